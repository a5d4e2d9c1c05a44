using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Explain.Grpc.Hosting;

/// <summary>Kestrel endpoints for gRPC: HTTP/2 only, as h2c (prior knowledge) or TLS with ALPN "h2".</summary>
public static class GrpcKestrelExtensions
{
    /// <summary>
    /// Plain-text HTTP/2 with prior knowledge, for traffic inside a cluster. With HTTP/2 alone on a
    /// plain endpoint Kestrel expects the client preface at once, which is what gRPC clients send.
    /// </summary>
    public static KestrelServerOptions ListenGrpc(this KestrelServerOptions kestrel, IPEndPoint endpoint)
    {
        kestrel.Listen(endpoint, listen => listen.Protocols = HttpProtocols.Http2);
        return kestrel;
    }

    /// <summary>TLS endpoint; Kestrel offers only "h2" in ALPN because HTTP/1.1 is not enabled.</summary>
    public static KestrelServerOptions ListenGrpcTls(
        this KestrelServerOptions kestrel, IPEndPoint endpoint, X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        kestrel.Listen(endpoint, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.UseHttps(new HttpsConnectionAdapterOptions { ServerCertificate = certificate });
        });
        return kestrel;
    }
}
