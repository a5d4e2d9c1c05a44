namespace Explain.Messaging;

using System.Runtime.CompilerServices;
using System.Threading.Channels;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

/// <summary>
/// Jobs on a durable quorum queue: persistent messages with publisher confirms, reject-publish at
/// the length limit, one channel per consumer with prefetch and manual ack, dead-lettering after
/// the delivery limit (https://www.rabbitmq.com/docs/quorum-queues#poison-message-handling).
/// </summary>
public sealed class RabbitMqJobQueue : IJobQueue
{
    private readonly BrokerConnection _broker;
    private readonly RabbitMqTransportOptions _options;
    private readonly ConfirmingPublisher _publisher;

    internal RabbitMqJobQueue(BrokerConnection broker, RabbitMqTransportOptions options)
    {
        _broker = broker;
        _options = options;
        _publisher = new ConfirmingPublisher(broker, options.PublishRecoveryTimeout);
    }

    public async Task PublishAsync(JobEnvelope job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        try
        {
            await _publisher.PublishAsync(_options.JobQueue, AmqpMessages.ToProperties(job), job.Body, cancellationToken).ConfigureAwait(false);
        }
        catch (PublishException ex) when (!ex.IsReturn)
        {
            // With x-overflow reject-publish the broker nacks a publish to a full queue.
            throw new QueueFullException($"The job queue {_options.JobQueue} is full ({_options.Capacity} jobs or {_options.MaxBytes} bytes); job {job.JobId} was rejected.");
        }
        catch (PublishException ex) when (ex.IsReturn)
        {
            throw new InvalidOperationException($"Job {job.JobId} could not be routed: queue {_options.JobQueue} does not exist.", ex);
        }
    }

    public IAsyncEnumerable<JobDelivery> ConsumeAsync(int prefetch, CancellationToken cancellationToken) =>
        ConsumeQueueAsync(_options.JobQueue, prefetch, cancellationToken);

    public IAsyncEnumerable<JobDelivery> ConsumeDeadLettersAsync(CancellationToken cancellationToken) =>
        ConsumeQueueAsync(_options.DeadLetterQueue, 16, cancellationToken);

    internal ValueTask DisposeAsync() => _publisher.DisposeAsync();

    private async IAsyncEnumerable<JobDelivery> ConsumeQueueAsync(string queue, int prefetch, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(prefetch, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefetch, ushort.MaxValue);
        await _broker.WaitOpenAsync(Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
        var channel = await _broker.Connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            var deliveries = Channel.CreateUnbounded<JobDelivery>(new UnboundedChannelOptions { SingleReader = true });
            await channel.BasicQosAsync(0, (ushort)prefetch, global: false, cancellationToken).ConfigureAwait(false);
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += (_, message) =>
            {
                // The body's memory is the library's: ToJob copies it before the handler returns.
                var job = AmqpMessages.ToJob(message.BasicProperties, message.Body);
                deliveries.Writer.TryWrite(new RabbitMqDelivery(channel, message.DeliveryTag, job, AmqpMessages.DeliveryCount(message.BasicProperties)));
                return Task.CompletedTask;
            };
            await channel.BasicConsumeAsync(queue, autoAck: false, consumer, cancellationToken).ConfigureAwait(false);
            await foreach (var delivery in deliveries.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                yield return delivery;
        }
        finally
        {
            // Closing the channel returns every un-acked job to the queue (x-delivery-count + 1).
            await channel.DisposeAsync().ConfigureAwait(false);
        }
    }
}
