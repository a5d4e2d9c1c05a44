namespace Explain.Messaging;

using RabbitMQ.Client;

/// <summary>Declares the queues (idempotent: every service declares the same arguments at start).</summary>
internal static class RabbitMqTopology
{
    public static async Task DeclareAsync(IConnection connection, RabbitMqTransportOptions options, CancellationToken cancellationToken)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);

        await channel.ExchangeDeclareAsync(options.DeadLetterExchange, ExchangeType.Fanout, durable: true, autoDelete: false,
            cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueDeclareAsync(options.DeadLetterQueue, durable: true, exclusive: false, autoDelete: false,
            new Dictionary<string, object?> { ["x-queue-type"] = "quorum" }, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueBindAsync(options.DeadLetterQueue, options.DeadLetterExchange, "", cancellationToken: cancellationToken).ConfigureAwait(false);

        await channel.QueueDeclareAsync(options.JobQueue, durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?>
        {
            ["x-queue-type"] = "quorum",
            // NOTE: a quorum queue dead-letters a message returned more than x-delivery-limit times,
            // so the limit is the number of redeliveries: deliveries - 1.
            ["x-delivery-limit"] = options.DeliveryLimit - 1,
            ["x-max-length"] = options.Capacity,
            ["x-max-length-bytes"] = options.MaxBytes,
            ["x-overflow"] = "reject-publish",
            ["x-dead-letter-exchange"] = options.DeadLetterExchange,
            // at-least-once dead-lettering (RabbitMQ 3.10+) needs reject-publish; a dead job is never lost on the way.
            ["x-dead-letter-strategy"] = "at-least-once",
        }, cancellationToken: cancellationToken).ConfigureAwait(false);

        foreach (var stream in new[] { options.EventStream, options.ControlStream })
        {
            await channel.QueueDeclareAsync(stream, durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?>
            {
                ["x-queue-type"] = "stream",
                ["x-max-age"] = $"{Math.Max(1, (long)options.EventRetention.TotalSeconds)}s",
                ["x-max-length-bytes"] = options.EventRetentionBytes,
                ["x-stream-max-segment-size-bytes"] = Math.Min(options.EventSegmentBytes, options.EventRetentionBytes),
            }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        await channel.CloseAsync(cancellationToken).ConfigureAwait(false);
    }
}
