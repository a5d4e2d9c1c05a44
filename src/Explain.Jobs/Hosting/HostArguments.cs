using System.Net;

namespace Explain.Jobs.Hosting;

/// <summary>
/// The hosts' command line: --port (gRPC), --http-port (HTTP/1.1: /metrics, /healthz, JSON API,
/// gRPC-Web), --rabbitmq amqp://… (else the in-memory transport), --models (model store folder),
/// --concurrency (worker jobs at once), and the edge's security: --bind ADDRESS, --api-keys FILE,
/// --jwt-issuer / --jwt-audience / --jwt-key FILE / --tenant-claim NAME, --tls-cert / --tls-key
/// (PEM), --tls-client-ca (PEM CA bundle: mutual TLS), --insecure (allow a non-loopback bind without authentication), and results' retention:
/// --retention-age (30s, 90m, 24h, 7d), --retention-mb, --retention-jobs; admission and queue
/// bounds: --max-job-gflop, --tenant-gflop-per-second, --tenant-burst-gflop, --tenant-max-jobs,
/// --default-deadline SECONDS, --queue-max-jobs, --queue-max-bytes; --metrics-tenants N (tenants
/// named in metric labels).
/// </summary>
public sealed record HostArguments(int Port, int? HttpPort, Uri? RabbitMq, string Models, int Concurrency)
{
    private static readonly string[] Valued =
        ["port", "http-port", "rabbitmq", "models", "concurrency", "bind", "api-keys", "jwt-issuer", "jwt-audience", "jwt-key", "tenant-claim", "tls-cert", "tls-key", "tls-client-ca",
        "retention-age", "retention-mb", "retention-jobs",
         "max-job-gflop", "tenant-gflop-per-second", "tenant-burst-gflop", "tenant-max-jobs", "default-deadline", "queue-max-jobs", "queue-max-bytes", "metrics-tenants"];

    private static readonly string[] Flags = ["insecure"];

    /// <summary>The address both ports listen on; null means the host's default (see <see cref="Parse"/>).</summary>
    public IPAddress? Bind { get; init; }

    public EdgeSecurity Security { get; init; } = new();

    /// <summary>--retention-age / --retention-mb; null: the transport's default (<see cref="Messaging.EventRetention"/>).</summary>
    public TimeSpan? RetentionAge { get; init; }

    public long? RetentionBytes { get; init; }

    /// <summary>--retention-jobs: jobs the results index keeps (default 10 000).</summary>
    public int? RetentionJobs { get; init; }

    /// <summary>The events streams' retention: the transport's default with the options given.</summary>
    public Messaging.EventRetention Retention
    {
        get
        {
            var defaults = RabbitMq is null ? Messaging.EventRetention.InMemoryDefault : Messaging.EventRetention.BrokerDefault;
            return defaults with { MaxAge = RetentionAge ?? defaults.MaxAge, MaxBytes = RetentionBytes ?? defaults.MaxBytes };
        }
    }

    /// <summary>The API's limits with the admission options given (costs, tenant rate and concurrency, default deadline).</summary>
    public JobLimits Limits { get; init; } = JobLimits.Default;

    /// <summary>Jobs the queue holds waiting (both transports).</summary>
    public int QueueMaxJobs { get; init; } = 10_000;

    /// <summary>Body bytes the queue holds waiting (both transports; RabbitMQ's x-max-length-bytes).</summary>
    public long QueueMaxBytes { get; init; } = 256L << 20;

    public int MetricsTenants { get; init; } = 20;

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
        double Positive(string name, double fallback) => values.TryGetValue(name, out var v)
            ? double.TryParse(v, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double x) && x > 0 && double.IsFinite(x)
                ? x : throw new ArgumentException($"--{name} takes a positive number, not '{v}'")
            : fallback;
        var limits = JobLimits.Default with
        {
            MaxJobGflop = Positive("max-job-gflop", JobLimits.Default.MaxJobGflop),
            TenantGflopPerSecond = Positive("tenant-gflop-per-second", JobLimits.Default.TenantGflopPerSecond),
            TenantBurstGflop = Positive("tenant-burst-gflop", Math.Max(JobLimits.Default.TenantBurstGflop, Positive("max-job-gflop", 0))),
            MaxConcurrentJobsPerTenant = (int)Math.Min(int.MaxValue, Positive("tenant-max-jobs", JobLimits.Default.MaxConcurrentJobsPerTenant)),
            DefaultJobDeadline = TimeSpan.FromSeconds(Positive("default-deadline", JobLimits.Default.DefaultJobDeadline.TotalSeconds)),
        };
        limits.Validated();
        var security = new EdgeSecurity
        {
            ApiKeysFile = Value("api-keys"), JwtIssuer = Value("jwt-issuer"), JwtAudience = Value("jwt-audience"), JwtKeyFile = Value("jwt-key"),
            TenantClaim = Value("tenant-claim") ?? "tenant", TlsCertificate = Value("tls-cert"), TlsKey = Value("tls-key"), TlsClientCa = Value("tls-client-ca"), Insecure = flags.Contains("insecure"),
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
        {
            Bind = bind, Security = security, Limits = limits,
            QueueMaxJobs = (int)Math.Min(int.MaxValue, Positive("queue-max-jobs", 10_000)),
            QueueMaxBytes = (long)Math.Min(long.MaxValue, Positive("queue-max-bytes", 256L << 20)),
            MetricsTenants = (int)Math.Min(int.MaxValue, Positive("metrics-tenants", 20)),
            RetentionAge = values.TryGetValue("retention-age", out var age) ? ParseRetentionAge(age) : null,
            RetentionBytes = values.TryGetValue("retention-mb", out var mb)
                ? long.TryParse(mb, out long m) && m is >= 1 and <= 1L << 30 ? m << 20 : throw new ArgumentException($"--retention-mb takes a number of MiB, not '{mb}'")
                : null,
            RetentionJobs = values.TryGetValue("retention-jobs", out var j)
                ? int.TryParse(j, out int n) && n >= 1 ? n : throw new ArgumentException($"--retention-jobs takes a positive number, not '{j}'")
                : null,
        };
    }

    /// <summary>--retention-age: "30s", "90m", "24h", "7d".</summary>
    /// <exception cref="ArgumentException">Not such a duration.</exception>
    public static TimeSpan ParseRetentionAge(string text)
    {
        if (text.Length >= 2 && long.TryParse(text.AsSpan(0, text.Length - 1), out long n) && n > 0)
        {
            switch (text[^1])
            {
                case 's': return TimeSpan.FromSeconds(n);
                case 'm': return TimeSpan.FromMinutes(n);
                case 'h': return TimeSpan.FromHours(n);
                case 'd': return TimeSpan.FromDays(n);
            }
        }
        throw new ArgumentException($"--retention-age takes a duration such as 90m, 24h or 7d, not '{text}'");
    }

    /// <summary>The workers' execution backend and device (`explain serve --backend/--device/--threads`); null = EXPLAIN_BACKEND / EXPLAIN_DEVICE.</summary>
    public Cam.Backends.BackendOptions? Backend { get; init; }

    /// <summary>The options; the execution backend and device are <see cref="Backend"/>, else EXPLAIN_BACKEND / EXPLAIN_DEVICE (the GPU worker image sets cuda), with ONNX Runtime's spinning off (<see cref="Cam.Backends.BackendOptions.SpinWait"/>).</summary>
    public JobsOptions ToJobsOptions() => new()
    {
        ModelStore = Models, WorkerConcurrency = Concurrency, Backend = (Backend ?? Cam.Backends.BackendOptions.FromEnvironment()).ForService(), Limits = Limits, MaxTenantLabels = MetricsTenants,
        Retention = Retention, MaxRetainedJobs = RetentionJobs ?? 10_000,
    };
}
