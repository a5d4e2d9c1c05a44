using Explain.Messaging;

namespace Explain.Jobs.Hosting;

/// <summary>The transport a host runs on: RabbitMQ when given a broker address, else in-memory (one process only).</summary>
public static class HostTransport
{
    /// <param name="retention">What the events streams keep; null: the transport's default (<see cref="EventRetention"/>).</param>
    public static async Task<IMessageTransport> ConnectAsync(Uri? rabbitMq, string clientName, CancellationToken cancellationToken = default, EventRetention? retention = null) =>
        rabbitMq is null
            ? new InMemoryTransport(new InMemoryTransportOptions { EventRetention = retention ?? EventRetention.InMemoryDefault })
            : await RabbitMqTransport.ConnectAsync(new RabbitMqTransportOptions
            {
                Uri = rabbitMq, ClientName = clientName,
                EventRetention = (retention ?? EventRetention.BrokerDefault).MaxAge,
                EventRetentionBytes = (retention ?? EventRetention.BrokerDefault).MaxBytes,
            }, cancellationToken: cancellationToken);

    /// <summary>The host's transport with the retention its command line asks for.</summary>
    public static Task<IMessageTransport> ConnectAsync(HostArguments host, string clientName, CancellationToken cancellationToken = default) =>
        ConnectAsync(host.RabbitMq, clientName, cancellationToken, host.Retention);
}
