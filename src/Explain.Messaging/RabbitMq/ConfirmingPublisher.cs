namespace Explain.Messaging;

using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

/// <summary>
/// Publishes on one channel with publisher confirms, one message at a time, and rides out a lost
/// connection: it waits for recovery and publishes again (at-least-once; consumers dedupe).
/// </summary>
internal sealed class ConfirmingPublisher(BrokerConnection broker, TimeSpan recoveryTimeout) : IAsyncDisposable
{
    private static readonly CreateChannelOptions ConfirmedChannel = new(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private IChannel? _channel;

    /// <exception cref="PublishException">The broker nacked the message or returned it as unroutable.</exception>
    public async Task PublishAsync(string queue, BasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var giveUp = DateTime.UtcNow + recoveryTimeout;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                try
                {
                    if (_channel is null or { IsClosed: true })
                    {
                        // A channel closed by the broker (not by a lost connection) is not recovered: replace it.
                        await broker.WaitOpenAsync(Remaining(giveUp), cancellationToken).ConfigureAwait(false);
                        if (_channel is null or { IsClosed: true })
                            _channel = await ReplaceChannelAsync(cancellationToken).ConfigureAwait(false);
                    }
                    await _channel.BasicPublishAsync("", queue, mandatory: true, properties, body, cancellationToken).ConfigureAwait(false);
                    return;
                }
                catch (Exception ex) when (IsConnectionLoss(ex) && DateTime.UtcNow < giveUp)
                {
                    await Task.Delay(100, cancellationToken).ConfigureAwait(false);
                    await broker.WaitOpenAsync(Remaining(giveUp), cancellationToken).ConfigureAwait(false);
                }
            }
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
