namespace Explain.Messaging;

using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

/// <summary>
/// Publishes on one channel with publisher confirms and rides out a lost connection: it waits for
/// recovery and publishes again (at-least-once; consumers dedupe). Publishes are pipelined: a call
/// holds the channel only while its message is handed to the client library, then waits for its
/// confirm while later calls send theirs. Messages go out in the order of the calls (the gate and
/// the library's own publish lock both queue waiters first-in first-out), so a caller that starts
/// several publishes without awaiting them keeps their order; a message re-sent after a lost
/// connection goes after the ones sent meanwhile.
/// </summary>
internal sealed class ConfirmingPublisher(BrokerConnection broker, TimeSpan recoveryTimeout) : IAsyncDisposable
{
    private static readonly CreateChannelOptions ConfirmedChannel = new(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private IChannel? _channel;

    /// <summary>Sends the message at once (in call order) and completes when the broker confirmed it.</summary>
    /// <exception cref="PublishException">The broker nacked the message or returned it as unroutable.</exception>
    public async Task PublishAsync(string queue, BasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var giveUp = DateTime.UtcNow + recoveryTimeout;
        while (true)
        {
            try
            {
                var confirmed = await SendAsync(queue, properties, body, giveUp, cancellationToken).ConfigureAwait(false);
                await confirmed.ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (IsConnectionLoss(ex) && DateTime.UtcNow < giveUp)
            {
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
                await broker.WaitOpenAsync(Remaining(giveUp), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Hands the message to the library under the gate; the returned task is its confirm.</summary>
    private async Task<Task> SendAsync(string queue, BasicProperties properties, ReadOnlyMemory<byte> body, DateTime giveUp, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_channel is null or { IsClosed: true })
            {
                // A channel closed by the broker (not by a lost connection) is not recovered: replace it.
                await broker.WaitOpenAsync(Remaining(giveUp), cancellationToken).ConfigureAwait(false);
                if (_channel is null or { IsClosed: true })
                    _channel = await ReplaceChannelAsync(cancellationToken).ConfigureAwait(false);
            }
            // NOTE: not awaited here: the library takes its publish lock synchronously in this call
            // and releases it once the frame is written, before the confirm comes back.
            return _channel.BasicPublishAsync("", queue, mandatory: true, properties, body, cancellationToken).AsTask();
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_channel is not null)
            await _channel.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }

    private async Task<IChannel> ReplaceChannelAsync(CancellationToken cancellationToken)
    {
        if (_channel is not null)
            await _channel.DisposeAsync().ConfigureAwait(false);
        _channel = null;
        return await broker.Connection.CreateChannelAsync(ConfirmedChannel, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsConnectionLoss(Exception ex) =>
        ex is AlreadyClosedException or OperationInterruptedException or IOException;

    private static TimeSpan Remaining(DateTime giveUp)
    {
        var left = giveUp - DateTime.UtcNow;
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }
}
