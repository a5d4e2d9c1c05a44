using Explain.Messaging;

namespace Explain.Jobs.Hosting;

/// <summary>The transport a host runs on: RabbitMQ when given a broker address, else in-memory (one process only).</summary>
public static class HostTransport
{
    public static async Task<IMessageTransport> ConnectAsync(Uri? rabbitMq, string clientName, CancellationToken cancellationToken = default) =>
        rabbitMq is null
            ? new InMemoryTransport()
            : await RabbitMqTransport.ConnectAsync(new RabbitMqTransportOptions { Uri = rabbitMq, ClientName = clientName }, cancellationToken: cancellationToken);
}
