using System.Net;

namespace Explain.Jobs.Hosting;

/// <summary>
/// The hosts' command line: --port (gRPC), --http-port (HTTP/1.1: /metrics, /healthz, JSON API,
/// gRPC-Web), --rabbitmq amqp://… (else the in-memory transport), --models (model store folder),
/// --concurrency (worker jobs at once), and the edge's security: --bind ADDRESS, --api-keys FILE,
/// --jwt-issuer / --jwt-audience / --jwt-key FILE / --tenant-claim NAME, --tls-cert / --tls-key
/// (PEM), --insecure (allow a non-loopback bind without authentication).
/// </summary>
public sealed record HostArguments(int Port, int? HttpPort, Uri? RabbitMq, string Models, int Concurrency)
{
    private static readonly string[] Valued =
        ["port", "http-port", "rabbitmq", "models", "concurrency", "bind", "api-keys", "jwt-issuer", "jwt-audience", "jwt-key", "tenant-claim", "tls-cert", "tls-key"];

    private static readonly string[] Flags = ["insecure"];

    /// <summary>The address both ports listen on; null means the host's default (see <see cref="Parse"/>).</summary>
    public IPAddress? Bind { get; init; }

    public EdgeSecurity Security { get; init; } = new();

    /// <param name="defaultBind">Where to listen without --bind: 127.0.0.1 for `explain serve`, all interfaces for the container hosts.</param>
    /// <param name="environment">Defaults for every option: EXPLAIN_&lt;OPTION&gt; (EXPLAIN_RABBITMQ, EXPLAIN_API_KEYS,
    /// EXPLAIN_INSECURE=1, …), as containers are configured; the command line wins. Null reads the process environment.</param>
    public static HostArguments Parse(string[] args, int defaultPort, IPAddress? defaultBind = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in Valued.Concat(Flags))
        {
            string variable = "EXPLAIN_" + name.ToUpperInvariant().Replace('-', '_');
            string? value = environment is null ? Environment.GetEnvironmentVariable(variable) : environment.GetValueOrDefault(variable);
            if (string.IsNullOrEmpty(value))
                continue;
            if (Flags.Contains(name))
            {
                if (value is "1" or "true")
                    flags.Add(name);
            }
            else
            {
                values[name] = value;
            }
        }
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
                throw new ArgumentException($"unexpected argument '{args[i]}'");
            string name = args[i][2..], value;
            if (Flags.Contains(name))
            {
                flags.Add(name);
                continue;
            }
            int eq = name.IndexOf('=');
            if (eq >= 0)
                (name, value) = (name[..eq], name[(eq + 1)..]);
            else
                value = i + 1 < args.Length ? args[++i] : throw new ArgumentException($"--{name} needs a value");
            if (!Valued.Contains(name))
                throw new ArgumentException($"unknown option --{name} (known: {string.Join(" ", Valued.Concat(Flags).Select(n => "--" + n))})");
            values[name] = value;
        }
        int Int(string name, int fallback) => values.TryGetValue(name, out var v)
            ? int.TryParse(v, out int n) && n is >= 0 and <= 65535 ? n : throw new ArgumentException($"--{name} takes a number, not '{v}'")
            : fallback;
        string? Value(string name) => values.GetValueOrDefault(name);
        var security = new EdgeSecurity
        {
            ApiKeysFile = Value("api-keys"), JwtIssuer = Value("jwt-issuer"), JwtAudience = Value("jwt-audience"), JwtKeyFile = Value("jwt-key"),
            TenantClaim = Value("tenant-claim") ?? "tenant", TlsCertificate = Value("tls-cert"), TlsKey = Value("tls-key"), Insecure = flags.Contains("insecure"),
        };
        security.Validate();
        var bind = values.TryGetValue("bind", out var b)
            ? IPAddress.TryParse(b, out var address) ? address : throw new ArgumentException($"--bind takes an IP address, not '{b}'")
            : defaultBind;
        return new HostArguments(
            Int("port", defaultPort),
            values.ContainsKey("http-port") ? Int("http-port", 0) : null,
            values.TryGetValue("rabbitmq", out var uri) ? new Uri(uri) : null,
            values.TryGetValue("models", out var models) ? Path.GetFullPath(models) : Cam.Models.ModelStore.Default().Root,
            Math.Max(1, Int("concurrency", 1)))
        { Bind = bind, Security = security };
    }

    /// <summary>The workers' execution backend and device (`explain serve --backend/--device/--threads`); null = EXPLAIN_BACKEND / EXPLAIN_DEVICE.</summary>
    public Cam.Backends.BackendOptions? Backend { get; init; }

    /// <summary>The options; the execution backend and device are <see cref="Backend"/>, else EXPLAIN_BACKEND / EXPLAIN_DEVICE (the GPU worker image sets cuda).</summary>
    public JobsOptions ToJobsOptions() => new() { ModelStore = Models, WorkerConcurrency = Concurrency, Backend = Backend ?? Cam.Backends.BackendOptions.FromEnvironment() };
}
