using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Configuration;

namespace Explain.Client;

/// <summary>
/// How the client's channel behaves on the wire: the gRPC service config that retries UNAVAILABLE
/// on the idempotent methods (hedging off: every call goes to one server at a time), the message
/// limit, and an HTTP/2 handler with a 1 MiB initial stream window (a heatmap or an upload does not
/// wait for WINDOW_UPDATE round trips) and keepalive pings.
/// </summary>
public static class ExplainChannelConfig
{
    /// <summary>Largest message the client accepts: a HEATMAP event with overlay and maps fits well within it.</summary>
    public const int MaxReceiveMessageSize = 64 << 20;

    /// <summary>
    /// The methods a retry cannot duplicate work with. Submit and Explain are among them because the
    /// client always sends an idempotency key (<see cref="ExplainClient.SubmitAsync"/> makes one when
    /// the caller gave none), so a retried submission gets the first job's ticket.
    /// </summary>
    public static readonly IReadOnlyList<(string Service, string Method)> IdempotentMethods =
    [
        ("explain.v1.Explainer", "Submit"), ("explain.v1.Explainer", "Explain"), ("explain.v1.Explainer", "Cancel"),
        ("explain.v1.Results", "Watch"), ("explain.v1.Results", "Get"),
        ("explain.v1.Models", "List"), ("explain.v1.Models", "Describe"),
    ];

    public static ServiceConfig ServiceConfig()
    {
        var retry = new MethodConfig
        {
            RetryPolicy = new RetryPolicy
            {
                MaxAttempts = 5,
                InitialBackoff = TimeSpan.FromMilliseconds(100),
                MaxBackoff = TimeSpan.FromSeconds(2),
                BackoffMultiplier = 2,
                RetryableStatusCodes = { StatusCode.Unavailable },
            },
        };
        foreach (var (service, method) in IdempotentMethods)
            retry.Names.Add(new MethodName { Service = service, Method = method });
        return new ServiceConfig { MethodConfigs = { retry } };
    }

    public static SocketsHttpHandler Handler() => Handler(null);

    /// <param name="caFile">A PEM file of the CA(s) that signed the server's certificate (a private CA
    /// or a self-signed server), trusted in addition to none of the system's: the chain must end there.</param>
    public static SocketsHttpHandler Handler(string? caFile) => Handler(caFile, null, null);

    /// <param name="caFile">As in <see cref="Handler(string?)"/>.</param>
    /// <param name="clientCertificateFile">For mutual TLS: the PEM client certificate this channel presents (with <paramref name="clientKeyFile"/>).</param>
    /// <param name="clientKeyFile">The PEM private key of <paramref name="clientCertificateFile"/>.</param>
    public static SocketsHttpHandler Handler(string? caFile, string? clientCertificateFile, string? clientKeyFile)
    {
        var handler = new SocketsHttpHandler
        {
            InitialHttp2StreamWindowSize = 1 << 20,
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        };
        if (caFile is not null)
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(caFile);
            handler.SslOptions.CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            handler.SslOptions.CertificateChainPolicy.CustomTrustStore.AddRange(roots);
        }
        if (clientCertificateFile is not null)
            handler.SslOptions.ClientCertificates = [X509Certificate2.CreateFromPemFile(clientCertificateFile, clientKeyFile)];
        return handler;
    }

    /// <summary>Options for a channel that authenticates with an API key or JWT, and trusts <paramref name="caFile"/> for TLS.</summary>
    public static GrpcChannelOptions ChannelOptions(string? bearerToken, string? caFile) =>
        ChannelOptions(bearerToken is null ? Handler(caFile) : new BearerTokenHandler(bearerToken) { InnerHandler = Handler(caFile) });

    public static GrpcChannelOptions ChannelOptions(HttpMessageHandler? handler = null) => new()
    {
        HttpHandler = handler ?? Handler(),
        ServiceConfig = ServiceConfig(),
        MaxReceiveMessageSize = MaxReceiveMessageSize,
        MaxSendMessageSize = null,
    };
}
