namespace Explain.Messaging;

using System.Runtime.CompilerServices;
using System.Threading.Channels;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

/// <summary>Reading events again by offset: a short-lived consumer from the first offset wanted to the last.</summary>
public sealed partial class RabbitMqEventStream
{
    /// <summary>Unacked deliveries of one read: with the bodies copied only for wanted offsets, this bounds what a read holds.</summary>
    private const ushort ReadPrefetch = 32;

    /// <summary>How long a read waits for the broker's next delivery before it fails (the broker is down or overloaded).</summary>
    private static readonly TimeSpan ReadStall = TimeSpan.FromSeconds(30);

    public async IAsyncEnumerable<JobEventEnvelope> ReadAsync(IReadOnlyList<long> offsets, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(offsets);
        if (offsets.Count == 0)
            yield break;
        var wanted = offsets.ToHashSet();
        long last = offsets[^1];
        var items = Channel.CreateUnbounded<StreamItem>(); // multi-reader flavour: it can count what is buffered
        await _broker.WaitOpenAsync(ReadStall, cancellationToken).ConfigureAwait(false);
        var channel = await _broker.Connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        string? consumerTag = null;
        try
        {
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += (_, message) =>
            {
                long offset = AmqpMessages.StreamOffset(message.BasicProperties);
                var jobEvent = wanted.Contains(offset) ? AmqpMessages.ToEvent(message.BasicProperties, message.Body) with { Offset = offset } : null;
                items.Writer.TryWrite(new StreamItem(jobEvent, offset, message.DeliveryTag, Resubscribe: false));
                return Task.CompletedTask;
            };
            channel.ChannelShutdownAsync += (_, args) =>
            {
                items.Writer.TryComplete(new IOException($"The channel reading {_stream} closed: {args.ReplyText}"));
                return Task.CompletedTask;
            };
            // NOTE: a stream consumer starts at the chunk holding the offset, so earlier offsets come too;
            // an offset retention removed makes the consumer start at the oldest retained one.
            consumerTag = await ConsumeFromAsync(channel, consumer, offsets[0], ReadPrefetch, cancellationToken).ConfigureAwait(false);
            int unacked = 0;
            while (true)
            {
                StreamItem item;
                using (var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    stall.CancelAfter(ReadStall);
                    try
                    {
                        item = await items.Reader.ReadAsync(stall.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        throw new TimeoutException($"No delivery from stream {_stream} within {ReadStall.TotalSeconds:0} s while reading offsets {offsets[0]}..{last}.");
                    }
                }
                if (item.Event is not null)
                    yield return item.Event;
                if (item.Offset >= last)
                    yield break;
                if (++unacked >= ReadPrefetch / 2 || items.Reader.Count == 0)
                {
                    await channel.BasicAckAsync(item.DeliveryTag, multiple: true, cancellationToken).ConfigureAwait(false);
                    unacked = 0;
                }
            }
        }
        finally
        {
            // The consumer ends before the read returns, so the broker lists only the stream's followers.
            if (consumerTag is not null && channel.IsOpen)
            {
                try
                {
                    await channel.BasicCancelAsync(consumerTag, noWait: false, CancellationToken.None).ConfigureAwait(false);
                    await channel.CloseAsync(CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception e) when (e is RabbitMQ.Client.Exceptions.OperationInterruptedException or RabbitMQ.Client.Exceptions.AlreadyClosedException or IOException)
                {
                    // the connection went away: nothing left to end
                }
            }
            await channel.DisposeAsync().ConfigureAwait(false);
        }
    }
}
