namespace Explain.Messaging;

using System.Runtime.CompilerServices;
using System.Threading.Channels;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

/// <summary>
/// Events on a RabbitMQ stream read over AMQP 0.9.1 (https://www.rabbitmq.com/docs/streams):
/// each subscriber is its own consumer starting at x-stream-offset "first", so every replica sees
/// every event. After a reconnect a subscriber resumes at the offset after the last one it gave out.
/// </summary>
public sealed partial class RabbitMqEventStream : IEventStream
{
    private const ushort Prefetch = 256; // a stream consumer must set QoS; acks only grant credit

    private readonly BrokerConnection _broker;
    private readonly RabbitMqTransportOptions _options;
    private readonly ConfirmingPublisher _publisher;
    private readonly string _stream;

    internal RabbitMqEventStream(BrokerConnection broker, RabbitMqTransportOptions options, string stream)
    {
        _broker = broker;
        _options = options;
        _stream = stream;
        _publisher = new ConfirmingPublisher(broker, options.PublishRecoveryTimeout);
    }

    public async Task PublishAsync(JobEventEnvelope jobEvent, CancellationToken cancellationToken) =>
        await (await SendAsync(jobEvent, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);

    public Task<Task> SendAsync(JobEventEnvelope jobEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobEvent);
        return _publisher.SendAsync(_stream, AmqpMessages.ToProperties(jobEvent), jobEvent.Body, cancellationToken);
    }

    public IAsyncEnumerable<JobEventEnvelope> SubscribeAsync(CancellationToken cancellationToken, Func<long, bool>? sequences = null) =>
        SubscribeAsync(cancellationToken, sequences, null);

    public async IAsyncEnumerable<JobEventEnvelope> SubscribeAsync([EnumeratorCancellation] CancellationToken cancellationToken, Func<long, bool>? sequences, Action? caughtUp)
    {
        var items = Channel.CreateUnbounded<StreamItem>(); // multi-reader flavour: it can count what is buffered
        void OnRecovered() => items.Writer.TryWrite(StreamItem.Recovered);
        await _broker.WaitOpenAsync(Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
        var channel = await _broker.Connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        _broker.Recovered += OnRecovered;
        IdleWatch? idle = null;
        try
        {
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += (_, message) =>
            {
                long offset = AmqpMessages.StreamOffset(message.BasicProperties);
                // An unwanted event is neither copied nor handed out; it still moves the offset and gets acked.
                var jobEvent = sequences is null || sequences(AmqpMessages.Sequence(message.BasicProperties))
                    ? AmqpMessages.ToEvent(message.BasicProperties, message.Body) with { Offset = offset }
                    : null;
                items.Writer.TryWrite(new StreamItem(jobEvent, offset, message.DeliveryTag, Resubscribe: false));
                return Task.CompletedTask;
            };
            long next = 0;
            ulong unacked = 0;
            int unackedCount = 0;
            await ConsumeFromAsync(channel, consumer, next == 0 ? "first" : (object)next, Prefetch, cancellationToken).ConfigureAwait(false);
            idle = caughtUp is null ? null : new IdleWatch(caughtUp, () => items.Reader.Count, cancellationToken);
            await foreach (var item in items.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                idle?.Delivered();
                if (item.Resubscribe)
                {
                    (unacked, unackedCount) = (0, 0); // tags from before the recovery are void
                    await ConsumeFromAsync(channel, consumer, next == 0 ? "first" : (object)next, Prefetch, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                if (item.Offset >= next)
                {
                    next = item.Offset + 1;
                    if (item.Event is not null)
                        yield return item.Event;
                }
                // else: delivered again by a consumer that was re-created before this one ended.
                // Acks only return credit on a stream: one for everything handed out, once the
                // subscriber has caught up or every Prefetch/4 events, off the path of each event.
                (unacked, unackedCount) = (item.DeliveryTag, unackedCount + 1);
                if (items.Reader.Count == 0 || unackedCount >= Prefetch / 4)
                {
                    await channel.BasicAckAsync(unacked, multiple: true, cancellationToken).ConfigureAwait(false);
                    (unacked, unackedCount) = (0, 0);
                }
            }
        }
        finally
        {
            idle?.Dispose();
            _broker.Recovered -= OnRecovered;
            await channel.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal ValueTask DisposeAsync() => _publisher.DisposeAsync();

    /// <param name="offset">"first" or a number (x-stream-offset).</param>
    private async Task<string> ConsumeFromAsync(IChannel channel, AsyncEventingBasicConsumer consumer, object offset, ushort prefetch, CancellationToken cancellationToken)
    {
        await channel.BasicQosAsync(0, prefetch, global: false, cancellationToken).ConfigureAwait(false);
        var arguments = new Dictionary<string, object?> { ["x-stream-offset"] = offset };
        return await channel.BasicConsumeAsync(_stream, autoAck: false, consumerTag: "", noLocal: false, exclusive: false,
            arguments, consumer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Calls its action once, when nothing has been delivered or buffered for <see cref="IEventStream.CaughtUpIdle"/>.</summary>
    private sealed class IdleWatch : IDisposable
    {
        private readonly Timer _timer;
        private long _lastTicks = Environment.TickCount64;
        private Action? _action;

        public IdleWatch(Action action, Func<int> buffered, CancellationToken cancellationToken)
        {
            _action = action;
            var period = IEventStream.CaughtUpIdle / 6;
            _timer = new Timer(_ =>
            {
                if (cancellationToken.IsCancellationRequested || buffered() > 0
                    || Environment.TickCount64 - Interlocked.Read(ref _lastTicks) < IEventStream.CaughtUpIdle.TotalMilliseconds)
                    return;
                if (Interlocked.Exchange(ref _action, null) is { } caughtUp)
                {
                    _timer!.Change(Timeout.Infinite, Timeout.Infinite);
                    caughtUp();
                }
            }, null, period, period);
        }

        public void Delivered() => Interlocked.Exchange(ref _lastTicks, Environment.TickCount64);

        public void Dispose() => _timer.Dispose();
    }

    private readonly record struct StreamItem(JobEventEnvelope? Event, long Offset, ulong DeliveryTag, bool Resubscribe)
    {
        public static StreamItem Recovered => new(null, 0, 0, Resubscribe: true);
    }
}
