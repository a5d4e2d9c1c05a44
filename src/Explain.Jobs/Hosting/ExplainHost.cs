using System.Net;
using System.Security.Cryptography.X509Certificates;
using Explain.Jobs.Security;
using Explain.Jobs.GrpcServices;
using Explain.Telemetry.Grpc;
using Explain.Telemetry.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Explain.Jobs.Hosting;

/// <summary>
/// What every host shares: Kestrel endpoints, grpc-dotnet with the API's message limit and the
/// domain-error interceptor, JSON transcoding, gRPC-Web, health and reflection. The gRPC port
/// speaks HTTP/2 only (h2c, or h2 over TLS); the HTTP port (<c>--http-port</c>) speaks HTTP/1.1
/// and serves /metrics (only there), /healthz, the JSON API and gRPC-Web for browsers.
/// </summary>
public static class ExplainHost
{
    public static WebApplicationBuilder CreateBuilder(HostArguments host, string serviceName, JobLimits? limits = null, IPAddress? address = null)
    {
        var bind = address ?? host.Bind ?? IPAddress.Any;
        host.Security.CheckExposure(bind);
        var tls = host.Security.TlsEnabled ? X509Certificate2.CreateFromPemFile(host.Security.TlsCertificate!, host.Security.TlsKey) : null;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning); // one line per request is noise here; the services log each job
        builder.Logging.AddFilter("Grpc.AspNetCore", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(new IPEndPoint(bind, host.Port), l =>
            {
                l.Protocols = HttpProtocols.Http2;
                if (tls is not null)
                    l.UseHttps(MutualTls.HttpsOptions(tls, host.Security));
            });
            if (host.HttpPort is int http)
                kestrel.ListenMetrics(new IPEndPoint(bind, http), tls is null ? null : MutualTls.HttpsOptions(tls, host.Security));
            kestrel.Limits.MaxRequestBodySize = null; // grpc-dotnet enforces the message limit per message
            // NOTE: Kestrel's HTTP/2 defaults allow 96 KiB per stream before a WINDOW_UPDATE; a 1 MiB
            // window lets an upload (or a heatmap) go out without waiting for round trips.
            kestrel.Limits.Http2.InitialStreamWindowSize = 1 << 20;
            kestrel.Limits.Http2.InitialConnectionWindowSize = 2 << 20;
        });
        int maxRequest = (limits ?? JobLimits.Default).MaxRequestBytes;
        builder.WebHost.ConfigureKestrel(kestrel => MetadataLimit.Configure(kestrel.Limits, limits ?? JobLimits.Default));
        builder.Services.AddExplainTelemetry(serviceName);
        builder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = maxRequest;
            o.MaxSendMessageSize = null;
            o.Interceptors.Add<GrpcServerMetricsInterceptor>();
            o.Interceptors.Add<DomainErrorInterceptor>();
        }).AddJsonTranscoding(o => o.TypeRegistry = RpcErrors.DetailTypes);
        builder.Services.AddGrpcReflection();
        builder.Services.AddExplainSecurity(host.Security);
        return builder;
    }

    /// <summary>The middleware every host runs: the metadata limit, authentication and authorization, gRPC-Web (browsers cannot speak gRPC over HTTP/2 directly).</summary>
    public static WebApplication UseExplainEdge(this WebApplication app)
    {
        app.UseMetadataLimit(app.Services.GetService<JobLimits>() ?? JobLimits.Default);
        if (app.Services.GetRequiredService<EdgeSecurity>().MutualTls)
            app.UseMutualTls();
        app.UseExplainSecurity();
        app.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = true });
        return app;
    }

    /// <summary>grpc.health.v1, server reflection, GET /metrics (Prometheus, HTTP port only) and GET /healthz for plain HTTP probes.</summary>
    public static IEndpointRouteBuilder MapStandardEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // Probes and scrapes carry no credentials: health and the metrics port stay open; reflection
        // describes the API, so it needs a principal like the API itself.
        endpoints.MapPrometheusMetrics().AllowAnonymous();
        endpoints.MapGrpcHealthChecksService().AllowAnonymous();
        endpoints.MapGrpcReflectionService();
        endpoints.MapGet("/healthz", () => Microsoft.AspNetCore.Http.Results.Text("ok")).AllowAnonymous();
        return endpoints;
    }
}
