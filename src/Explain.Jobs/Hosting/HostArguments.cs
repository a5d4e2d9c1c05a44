namespace Explain.Jobs.Hosting;

/// <summary>
/// The hosts' command line: --port (gRPC, h2c), --http-port (HTTP/1: /healthz, and /metrics once
/// the telemetry exporter is wired), --rabbitmq amqp://… (else the in-memory transport), --models
/// (model store folder), --concurrency (worker jobs at once).
/// </summary>
public sealed record HostArguments(int Port, int? HttpPort, Uri? RabbitMq, string Models, int Concurrency)
{
    public static HostArguments Parse(string[] args, int defaultPort)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
                throw new ArgumentException($"unexpected argument '{args[i]}'");
            string name = args[i][2..], value;
            int eq = name.IndexOf('=');
            if (eq >= 0)
                (name, value) = (name[..eq], name[(eq + 1)..]);
            else
                value = i + 1 < args.Length ? args[++i] : throw new ArgumentException($"--{name} needs a value");
            if (name is not ("port" or "http-port" or "rabbitmq" or "models" or "concurrency"))
                throw new ArgumentException($"unknown option --{name} (known: --port --http-port --rabbitmq --models --concurrency)");
            values[name] = value;
        }
        int Int(string name, int fallback) => values.TryGetValue(name, out var v)
            ? int.TryParse(v, out int n) && n >= 0 ? n : throw new ArgumentException($"--{name} takes a number, not '{v}'")
            : fallback;
        return new HostArguments(
            Int("port", defaultPort),
            values.ContainsKey("http-port") ? Int("http-port", 0) : null,
            values.TryGetValue("rabbitmq", out var uri) ? new Uri(uri) : null,
            values.TryGetValue("models", out var models) ? Path.GetFullPath(models) : Cam.Models.ModelStore.Default().Root,
            Math.Max(1, Int("concurrency", 1)));
    }

    /// <summary>The options; the execution backend and device come from EXPLAIN_BACKEND / EXPLAIN_DEVICE (the GPU worker image sets cuda).</summary>
    public JobsOptions ToJobsOptions() => new() { ModelStore = Models, WorkerConcurrency = Concurrency, Backend = Cam.Backends.BackendOptions.FromEnvironment() };
}
