using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Explain.Telemetry.Hosting;

/// <summary>The metrics port (<c>--http-port</c>): plain HTTP/1.1, beside the HTTP/2-only gRPC endpoint.</summary>
public static class TelemetryKestrelExtensions
{
    /// <param name="certificate">Serve it over TLS (https) with this certificate, as the gRPC port does.</param>
    public static KestrelServerOptions ListenMetrics(this KestrelServerOptions kestrel, IPEndPoint endpoint, X509Certificate2? certificate = null) =>
        kestrel.ListenMetrics(endpoint, certificate is null ? null : new Microsoft.AspNetCore.Server.Kestrel.Https.HttpsConnectionAdapterOptions { ServerCertificate = certificate });

    /// <summary>As above, with TLS as <paramref name="https"/> says (e.g. client certificates for mutual TLS); null: plaintext.</summary>
    public static KestrelServerOptions ListenMetrics(this KestrelServerOptions kestrel, IPEndPoint endpoint, Microsoft.AspNetCore.Server.Kestrel.Https.HttpsConnectionAdapterOptions? https)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        var port = kestrel.ApplicationServices.GetRequiredService<MetricsPort>();
        kestrel.Listen(endpoint, listen =>
        {
            listen.Protocols = HttpProtocols.Http1;
            if (https is not null)
                listen.UseHttps(https);
            port.Add(listen);
        });
        return kestrel;
    }
}
