using Explain.Messaging;

namespace Explain.Jobs.Hosting;

/// <summary>The transport a host runs on: RabbitMQ when given a broker address, else in-memory (one process only).</summary>
public static class HostTransport
{
    /// <param name="host">The broker address, the queue's bounds (--queue-max-jobs, --queue-max-bytes) and the events streams' retention.</param>
    public static async Task<IMessageTransport> ConnectAsync(HostArguments host, string clientName, CancellationToken cancellationToken = default) =>
        host.RabbitMq is null
            ? new InMemoryTransport(new InMemoryTransportOptions { Capacity = host.QueueMaxJobs, MaxBytes = host.QueueMaxBytes, EventRetention = host.Retention })
            : await RabbitMqTransport.ConnectAsync(new RabbitMqTransportOptions
            {
                Uri = host.RabbitMq, ClientName = clientName, Capacity = host.QueueMaxJobs, MaxBytes = host.QueueMaxBytes,
                EventRetention = host.Retention.MaxAge, EventRetentionBytes = host.Retention.MaxBytes,
            }, cancellationToken: cancellationToken);
}
