using System.CommandLine;
using Explain.Cam.Models;
using Explain.Cli.Parsing;
using Explain.Cli.Terminal;
using Explain.Jobs.Hosting;

namespace Explain.Cli.Commands;

/// <summary>
/// `explain serve`: ingestion, workers and results in one process on one gRPC port, with the
/// in-memory transport (or a RabbitMQ broker with --rabbitmq), until Ctrl+C.
/// </summary>
internal static class ServeCommand
{
    public static Command Create(CliConsole console)
    {
        var port = CliOptions.Positive("--port", "gRPC port (h2c); 0 picks a free one", 50051, allowZero: true);
        var httpPort = new Option<int?>("--http-port") { Description = "HTTP/1 port for /healthz and /metrics [default: none]", HelpName = "N" };
        var rabbitMq = new Option<Uri?>("--rabbitmq")
        {
            Description = "RabbitMQ broker [default: the in-memory transport]",
            HelpName = "amqp://user:pass@host:5672",
            CustomParser = r =>
            {
                string text = r.Tokens[^1].Value;
                if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "amqp" or "amqps")
                    return uri;
                r.AddError($"--rabbitmq: '{text}' is not an amqp:// or amqps:// URL.");
                return null;
            },
        };
        var models = new Option<DirectoryInfo>("--models")
        {
            Description = "model store folder [default: $EXPLAIN_MODEL_STORE, else ../shared/models]",
            HelpName = "DIR",
            DefaultValueFactory = _ => new DirectoryInfo(ModelStore.Default().Root),
        };
        models.AcceptExistingOnly();
        var concurrency = CliOptions.Positive("--concurrency", "jobs a worker runs at once", 1);
        var command = new Command("serve", """
            Run the service suite (ingestion, workers, results) in one process until Ctrl+C.

            Examples:
              explain serve
              explain serve --port 50051 --http-port 8080 --rabbitmq amqp://guest:guest@127.0.0.1:5672
            """) { port, httpPort, rabbitMq, models, concurrency };
        command.SetAction(async (p, cancellationToken) =>
        {
            var host = new HostArguments(p.GetValue(port), p.GetValue(httpPort), p.GetValue(rabbitMq), p.GetValue(models)!.FullName, p.GetValue(concurrency));
            await using var server = await ServeHost.StartAsync(host);
            string transport = host.RabbitMq is null ? "in-memory transport" : $"RabbitMQ at {host.RabbitMq.Host}:{host.RabbitMq.Port}";
            console.Out.WriteLine($"explain serve: gRPC on port {server.Address.Port} (Explainer, Results, Models, health, reflection); {transport}; models from {host.Models}");
            if (host.HttpPort is int http)
                console.Out.WriteLine($"explain serve: HTTP on port {http} (/healthz, /metrics)");
            console.Out.WriteLine("Ctrl+C to stop.");
            await server.WaitForShutdownAsync();
            return ExplainApp.Ok;
        });
        return command;
    }
}
