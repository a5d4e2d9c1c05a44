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
        var port = CliOptions.Positive("--port", "gRPC port (h2c, or h2 with --tls-cert); 0 picks a free one", 50051, allowZero: true);
        var httpPort = new Option<int?>("--http-port") { Description = "HTTP/1.1 port for /metrics, /healthz, the JSON API and gRPC-Web [default: none]", HelpName = "N" };
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
        var bind = new Option<string>("--bind") { Description = "address both ports listen on; another than loopback needs --api-keys/--jwt-key or --insecure", HelpName = "IP", DefaultValueFactory = _ => "127.0.0.1" };
        var apiKeys = new Option<FileInfo>("--api-keys") { Description = "TENANT:SHA256HEX lines (`explain keys new`); every RPC but health then needs 'authorization: Bearer KEY'", HelpName = "FILE" };
        var jwtIssuer = new Option<string?>("--jwt-issuer") { Description = "accept JWT bearer tokens from this issuer (with --jwt-audience, --jwt-key)", HelpName = "ISS" };
        var jwtAudience = new Option<string?>("--jwt-audience") { Description = "the audience JWTs must name", HelpName = "AUD" };
        var jwtKey = new Option<FileInfo>("--jwt-key") { Description = "the JWT signing key: PEM RSA/EC public key or a base64 HS256 key", HelpName = "FILE" };
        var tenantClaim = new Option<string>("--tenant-claim") { Description = "the JWT claim naming the tenant", HelpName = "NAME", DefaultValueFactory = _ => "tenant" };
        var tlsCert = new Option<FileInfo>("--tls-cert") { Description = "serve TLS with this PEM certificate (with --tls-key)", HelpName = "FILE" };
        var tlsKey = new Option<FileInfo>("--tls-key") { Description = "the PEM private key of --tls-cert", HelpName = "FILE" };
        var tlsClientCa = new Option<FileInfo>("--tls-client-ca") { Description = "mutual TLS: accept only client certificates signed by these PEM CA(s) (health and /metrics stay open)", HelpName = "FILE" };
        var backendOption = CliOptions.Backend();
        var device = CliOptions.Device();
        var threads = CliOptions.Positive("--threads", "compute threads of each worker's sessions (0: all cores)", 0, allowZero: true);
        var insecure = new Option<bool>("--insecure") { Description = "allow listening beyond loopback without authentication" };
        var retentionAge = new Option<string>("--retention-age") { Description = "results forget jobs older than this (30s, 90m, 24h, 7d)", HelpName = "AGE", DefaultValueFactory = _ => "24h" };
        var retentionMb = CliOptions.Positive("--retention-mb", "MiB of events kept (in-memory log, or the RabbitMQ stream's x-max-length-bytes)", 0, allowZero: true);
        retentionMb.Description += " [0: 256 in memory, 1024 on RabbitMQ]";
        var retentionJobs = CliOptions.Positive("--retention-jobs", "jobs results keep", 10_000);
        // Admission and queue bounds: the hosts' options (HostArguments parses them, EXPLAIN_<OPTION> as defaults).
        var admission = new (string Name, string Help)[]
        {
            ("max-job-gflop", "largest estimated cost of one job in GFLOP [default: 1000]"),
            ("tenant-gflop-per-second", "each tenant's token bucket refill rate, GFLOP/s [default: 100]"),
            ("tenant-burst-gflop", "each tenant's token bucket size, GFLOP [default: 5000]"),
            ("tenant-max-jobs", "jobs of one tenant between QUEUED and their end [default: 256]"),
            ("default-deadline", "deadline in seconds of a job submitted without one [default: 600]"),
            ("queue-max-jobs", "jobs the queue holds waiting [default: 10000]"),
            ("queue-max-bytes", "request bytes the queue holds waiting [default: 268435456]"),
            ("metrics-tenants", "tenants named in metric labels; later ones are 'other' [default: 20]"),
        }.Select(o =>
        {
            int at = o.Help.IndexOf(" [default:", StringComparison.Ordinal);
            string env = "EXPLAIN_" + o.Name.ToUpperInvariant().Replace('-', '_');
            return new Option<string?>("--" + o.Name) { Description = $"{o.Help[..at]} (or {env}){o.Help[at..]}", HelpName = "N" };
        }).ToList();
        foreach (var file in new[] { apiKeys, jwtKey, tlsCert, tlsKey, tlsClientCa })
            file.AcceptExistingOnly();
        var command = new Command("serve", """
            Run the service suite (ingestion, workers, results) in one process until Ctrl+C.

            Examples:
              explain serve
              explain serve --port 50051 --http-port 8080 --rabbitmq amqp://guest:guest@127.0.0.1:5672
              explain serve --bind 0.0.0.0 --api-keys keys.txt --tls-cert cert.pem --tls-key key.pem
            """) { port, httpPort, rabbitMq, models, concurrency, bind, apiKeys, jwtIssuer, jwtAudience, jwtKey, tenantClaim, tlsCert, tlsKey, tlsClientCa, insecure, retentionAge, retentionMb, retentionJobs, backendOption, device, threads };
        foreach (var option in admission)
            command.Options.Add(option);
        command.SetAction(async (p, cancellationToken) =>
        {
            if (!System.Net.IPAddress.TryParse(p.GetValue(bind), out var address))
                throw new UsageException($"--bind: '{p.GetValue(bind)}' is not an IP address.");
            var security = new EdgeSecurity
            {
                ApiKeysFile = p.GetValue(apiKeys)?.FullName, JwtIssuer = p.GetValue(jwtIssuer), JwtAudience = p.GetValue(jwtAudience),
                JwtKeyFile = p.GetValue(jwtKey)?.FullName, TenantClaim = p.GetValue(tenantClaim)!, TlsCertificate = p.GetValue(tlsCert)?.FullName,
                TlsKey = p.GetValue(tlsKey)?.FullName, TlsClientCa = p.GetValue(tlsClientCa)?.FullName, Insecure = p.GetValue(insecure),
            };
            try
            {
                security.Validate();
                security.CheckExposure(address);
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }
            TimeSpan age;
            try
            {
                age = HostArguments.ParseRetentionAge(p.GetValue(retentionAge)!);
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }
            HostArguments bounds;
            try
            {
                var given = admission.Where(o => p.GetValue(o) is not null).SelectMany(o => new[] { o.Name, p.GetValue(o)! }).ToArray();
                bounds = HostArguments.Parse(given, 0);
                bounds.Limits.Validated();
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }
            var host = new HostArguments(p.GetValue(port), p.GetValue(httpPort), p.GetValue(rabbitMq), p.GetValue(models)!.FullName, p.GetValue(concurrency))
            {
                Bind = address, Security = security, RetentionAge = age, Backend = Backend.Options(p.GetValue(backendOption), p.GetValue(device), p.GetValue(threads)),
                RetentionBytes = p.GetValue(retentionMb) is > 0 and var mb ? (long)mb << 20 : null, RetentionJobs = p.GetValue(retentionJobs),
                Limits = bounds.Limits, QueueMaxJobs = bounds.QueueMaxJobs, QueueMaxBytes = bounds.QueueMaxBytes, MetricsTenants = bounds.MetricsTenants,
            };
            await using var server = await ServeHost.StartAsync(host);
            string transport = host.RabbitMq is null ? "in-memory transport" : $"RabbitMQ at {host.RabbitMq.Host}:{host.RabbitMq.Port}";
            console.Out.WriteLine($"explain serve: gRPC on port {server.Address.Port} (Explainer, Results, Models, health, reflection); {transport}; models from {host.Models}");
            if (host.HttpPort is int http)
                console.Out.WriteLine($"explain serve: HTTP/1.1 on port {http} (/metrics, /healthz, the JSON API under /v1, gRPC-Web)");
            if (security.AuthenticationEnabled)
                console.Out.WriteLine("explain serve: every RPC but health needs 'authorization: Bearer KEY|JWT'");
            console.Out.WriteLine("Ctrl+C to stop.");
            await server.WaitForShutdownAsync();
            return ExplainApp.Ok;
        });
        return command;
    }
}
