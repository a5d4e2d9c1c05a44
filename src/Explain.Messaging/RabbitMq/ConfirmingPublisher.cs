namespace Explain.Messaging;

using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

/// <summary>
/// Publishes on one channel with publisher confirms, pipelined, in order, and rides out a lost
/// connection.
/// <list type="bullet">
/// <item>A call holds the channel only while its message is handed to the client library, then
/// waits for its confirm while later calls send theirs. Messages go out in the order of the calls
/// (the gate queues waiters first-in first-out, as does the library's own publish lock), so a
/// caller may start several publishes and await them later.</item>
/// <item>Every message stays on an in-order list until the broker confirms it. When the connection
/// drops (or the broker closes the channel), the next send first re-sends every unconfirmed message
/// in the original order, before anything newer: the first copy of each message on the queue keeps
/// the order of the calls. A message may arrive twice (its confirm was lost, not the message):
/// at-least-once, consumers dedupe.</item>
/// <item>A message not confirmed within the recovery timeout fails with the error that lost it.</item>
/// </list>
/// </summary>
internal sealed class ConfirmingPublisher : IAsyncDisposable
{
    private static readonly CreateChannelOptions ConfirmedChannel = new(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true);

    private readonly BrokerConnection _broker;
    private readonly TimeSpan _recoveryTimeout;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly object _lock = new(); // guards _unconfirmed and each message's Attempt/Lost
    private readonly LinkedList<Outgoing> _unconfirmed = new();
    private IChannel? _channel;
    private long _channelGeneration = -1;
    private bool _disposed;

    public ConfirmingPublisher(BrokerConnection broker, TimeSpan recoveryTimeout)
    {
        _broker = broker;
        _recoveryTimeout = recoveryTimeout;
    }

    /// <summary>Sends the message at once (in call order) and completes when the broker confirmed it.</summary>
    /// <exception cref="PublishException">The broker nacked the message or returned it as unroutable.</exception>
    public async Task PublishAsync(string queue, BasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
        await (await SendAsync(queue, properties, body, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);

    /// <summary>Completes once the message is handed to the client library (in call order); its result completes when the broker confirmed it.</summary>
    /// <exception cref="PublishException">(the inner task) The broker nacked the message or returned it as unroutable.</exception>
    public async Task<Task> SendAsync(string queue, BasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var message = new Outgoing(queue, properties, body, DateTime.UtcNow + _recoveryTimeout);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            await EnsureChannelAsync(message.GiveUp, cancellationToken).ConfigureAwait(false);
            lock (_lock)
                _unconfirmed.AddLast(message.Node);
            Send(message);
        }
        finally
        {
            _gate.Release();
        }
        return message.Done.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            _disposed = true;
            FailAll(new ObjectDisposedException(nameof(ConfirmingPublisher)));
            if (_channel is not null)
                await _channel.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Under the gate: an open channel on the current connection, with every message lost on an earlier one re-sent.</summary>
    private async Task EnsureChannelAsync(DateTime giveUp, CancellationToken cancellationToken)
    {
        if (_channel is { IsOpen: true } && _channelGeneration == _broker.Generation)
            return;
        while (true)
        {
            try
            {
                await _broker.WaitOpenAsync(Remaining(giveUp), cancellationToken).ConfigureAwait(false);
                long generation = _broker.Generation;
                if (_channel is null or { IsClosed: true })
                    _channel = await ReplaceChannelAsync(cancellationToken).ConfigureAwait(false);
                _channelGeneration = generation;
                List<Outgoing> resend;
                lock (_lock)
                    resend = [.. _unconfirmed];
                foreach (var message in resend)
                    Send(message);
                return;
            }
            catch (Exception ex) when (IsConnectionLoss(ex) && DateTime.UtcNow < giveUp)
            {
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Under the gate: hands the message to the library; its confirm settles it.</summary>
    private void Send(Outgoing message)
    {
        int attempt;
        lock (_lock)
        {
            attempt = ++message.Attempt;
            message.Lost = false;
        }
        Task confirmed;
        try
        {
            // NOTE: not awaited here: the library takes its publish lock synchronously in this call
            // and releases it once the frame is written, before the confirm comes back.
            confirmed = _channel!.BasicPublishAsync("", message.Queue, mandatory: true, message.Properties, message.Body, CancellationToken.None).AsTask();
        }
        catch (Exception ex)
        {
            confirmed = Task.FromException(ex);
        }
        confirmed.ContinueWith(t => Settle(message, attempt, t), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void Settle(Outgoing message, int attempt, Task confirmed)
    {
        var error = confirmed.Exception?.GetBaseException();
        lock (_lock)
        {
            if (attempt != message.Attempt || message.Done.Task.IsCompleted)
                return; // a later attempt (re-send) owns the message now
            if (error is not null && IsConnectionLoss(error) && DateTime.UtcNow < message.GiveUp && !_disposed)
            {
                message.Lost = true;
            }
            else
            {
                _unconfirmed.Remove(message.Node);
                if (error is null)
                    message.Done.TrySetResult();
                else
                    message.Done.TrySetException(error);
                return;
            }
        }
        _ = ResendAsync(message.GiveUp);
    }

    /// <summary>After a loss: waits for the connection and re-sends, unless a publish got there first.</summary>
    private async Task ResendAsync(DateTime giveUp)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
                return;
            bool anyLost;
            lock (_lock)
                anyLost = _unconfirmed.Any(m => m.Lost);
            if (!anyLost)
                return;
            if (_channel is { IsOpen: true } && _channelGeneration == _broker.Generation)
                _channelGeneration = -1; // same connection, yet a confirm was lost: re-send everything pending
            await EnsureChannelAsync(giveUp, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            FailExpired(ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    private void FailExpired(Exception error)
    {
        lock (_lock)
        {
            for (var node = _unconfirmed.First; node is not null;)
            {
                var next = node.Next;
                if (node.Value.Lost && DateTime.UtcNow >= node.Value.GiveUp)
                {
                    _unconfirmed.Remove(node);
                    node.Value.Done.TrySetException(error);
                }
                node = next;
            }
        }
    }

    private void FailAll(Exception error)
    {
        lock (_lock)
        {
            foreach (var message in _unconfirmed)
                message.Done.TrySetException(error);
            _unconfirmed.Clear();
        }
    }

    private async Task<IChannel> ReplaceChannelAsync(CancellationToken cancellationToken)
    {
        if (_channel is not null)
            await _channel.DisposeAsync().ConfigureAwait(false);
        _channel = null;
        return await _broker.Connection.CreateChannelAsync(ConfirmedChannel, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsConnectionLoss(Exception ex) =>
        ex is AlreadyClosedException or OperationInterruptedException or IOException;

    private static TimeSpan Remaining(DateTime giveUp)
    {
        var left = giveUp - DateTime.UtcNow;
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    private sealed class Outgoing
    {
        public Outgoing(string queue, BasicProperties properties, ReadOnlyMemory<byte> body, DateTime giveUp)
        {
            Queue = queue;
            Properties = properties;
            Body = body;
            GiveUp = giveUp;
            Node = new LinkedListNode<Outgoing>(this);
        }

        public string Queue { get; }

        public BasicProperties Properties { get; }

        public ReadOnlyMemory<byte> Body { get; }

        public DateTime GiveUp { get; }

        public LinkedListNode<Outgoing> Node { get; }

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Attempt { get; set; }

        public bool Lost { get; set; }
    }
}
