using Explain.Jobs.Hosting;

namespace Explain.Cli.Commands;

/// <summary>
/// `explain serve`: ingestion, workers and results in one process on one gRPC port, with the
/// in-memory transport (or a RabbitMQ broker with --rabbitmq), until Ctrl+C.
/// </summary>
public static class ServeCommand
{
    public static int Run(string[] argv) => RunAsync(argv).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(string[] argv)
    {
        HostArguments host;
        try
        {
            host = HostArguments.Parse(argv, defaultPort: 50051, defaultBind: System.Net.IPAddress.Loopback);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        if (!Directory.Exists(host.Models))
            throw new DirectoryNotFoundException($"model store '{host.Models}' not found (give --models DIR)");
        await using var server = await ServeHost.StartAsync(host);
        string transport = host.RabbitMq is null ? "in-memory transport" : $"RabbitMQ at {host.RabbitMq.Host}:{host.RabbitMq.Port}";
        Console.WriteLine($"explain serve: gRPC on port {server.Address.Port} (Explainer, Results, Models, health, reflection); {transport}; models from {host.Models}");
        if (host.HttpPort is int http)
            Console.WriteLine($"explain serve: HTTP/1.1 on port {http} (/metrics, /healthz, the JSON API under /v1, gRPC-Web)");
        Console.WriteLine("Ctrl+C to stop.");
        await server.WaitForShutdownAsync();
        return 0;
    }
}
