using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Explain.Jobs.Hosting;

/// <summary>
/// Mutual TLS (--tls-client-ca): Kestrel asks every connection for a client certificate and accepts
/// one only if it chains to the configured CA(s) (nothing from the system store); the middleware
/// answers 401 (gRPC clients: UNAUTHENTICATED) to a request that came without one, except the probes
/// and the scrape (grpc.health.v1, /healthz, /metrics), which kubelets and Prometheus make without
/// a certificate. The handshake allows a missing certificate so those stay reachable.
/// </summary>
public static class MutualTls
{
    public static HttpsConnectionAdapterOptions HttpsOptions(X509Certificate2 serverCertificate, EdgeSecurity security)
    {
        var options = new HttpsConnectionAdapterOptions { ServerCertificate = serverCertificate };
        if (security.TlsClientCa is not { } caFile)
            return options;
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(caFile);
        if (roots.Count == 0)
            throw new ArgumentException($"--tls-client-ca: no PEM certificate in '{caFile}'");
        options.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
        options.ClientCertificateValidation = (certificate, _, _) => ChainsTo(certificate, roots);
        return options;
    }

    /// <summary>Whether <paramref name="certificate"/> is valid now, meant for client authentication, and chains to one of <paramref name="roots"/>.</summary>
    public static bool ChainsTo(X509Certificate2 certificate, X509Certificate2Collection roots)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.2")); // clientAuth
        return chain.Build(certificate);
    }

    /// <summary>Refuses requests without a (validated) client certificate, but for the probes and the scrape.</summary>
    public static WebApplication UseMutualTls(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (context.Connection.ClientCertificate is null && !IsProbeOrScrape(context.Request.Path))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "mutual-tls";
                await context.Response.WriteAsync("a client certificate signed by the configured CA is required (mutual TLS)");
                return;
            }
            await next(context);
        });
        return app;
    }

    private static bool IsProbeOrScrape(PathString path) =>
        path.StartsWithSegments("/grpc.health.v1.Health") || path.Equals("/healthz") || path.Equals("/metrics");
}
