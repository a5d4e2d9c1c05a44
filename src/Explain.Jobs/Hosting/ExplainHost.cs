using System.Net;
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
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning); // one line per request is noise here; the services log each job
        builder.Logging.AddFilter("Grpc.AspNetCore", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(new IPEndPoint(address ?? IPAddress.Any, host.Port), l => l.Protocols = HttpProtocols.Http2);
            if (host.HttpPort is int http)
                kestrel.ListenMetrics(new IPEndPoint(address ?? IPAddress.Any, http));
            kestrel.Limits.MaxRequestBodySize = null; // grpc-dotnet enforces the message limit per message
            // NOTE: Kestrel's HTTP/2 defaults allow 96 KiB per stream before a WINDOW_UPDATE; a 1 MiB
            // window lets an upload (or a heatmap) go out without waiting for round trips.
            kestrel.Limits.Http2.InitialStreamWindowSize = 1 << 20;
            kestrel.Limits.Http2.InitialConnectionWindowSize = 2 << 20;
        });
        int maxRequest = (limits ?? JobLimits.Default).MaxRequestBytes;
        builder.Services.AddExplainTelemetry(serviceName);
        builder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = maxRequest;
            o.MaxSendMessageSize = null;
            o.Interceptors.Add<GrpcServerMetricsInterceptor>();
            o.Interceptors.Add<DomainErrorInterceptor>();
        }).AddJsonTranscoding(o => o.TypeRegistry = RpcErrors.DetailTypes);
        builder.Services.AddGrpcReflection();
        return builder;
    }

    /// <summary>gRPC-Web for every gRPC service mapped after it (browsers cannot speak gRPC over HTTP/2 directly).</summary>
    public static WebApplication UseExplainWeb(this WebApplication app)
    {
        app.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = true });
        return app;
    }

    /// <summary>grpc.health.v1, server reflection, GET /metrics (Prometheus, HTTP port only) and GET /healthz for plain HTTP probes.</summary>
    public static IEndpointRouteBuilder MapStandardEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPrometheusMetrics();
        endpoints.MapGrpcHealthChecksService();
        endpoints.MapGrpcReflectionService();
        endpoints.MapGet("/healthz", () => Microsoft.AspNetCore.Http.Results.Text("ok"));
        return endpoints;
    }
}
