using System.Net;
using Explain.Grpc.Health;
using Explain.Grpc.Hosting;
using Explain.Grpc.Reflection;
using Explain.Grpc.Server;
using Explain.Telemetry.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Explain.Jobs.Hosting;

/// <summary>What every host shares: Kestrel endpoints (gRPC h2c, optional HTTP/1), the gRPC runtime with the API's message limit, health and reflection.</summary>
public static class ExplainHost
{
    public static WebApplicationBuilder CreateBuilder(HostArguments host, string serviceName, JobLimits? limits = null, IPAddress? address = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning); // one line per request is noise here; the services log each job
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ListenGrpc(new IPEndPoint(address ?? IPAddress.Any, host.Port));
            if (host.HttpPort is int http)
                kestrel.Listen(new IPEndPoint(address ?? IPAddress.Any, http));
            kestrel.Limits.MaxRequestBodySize = null;
        });
        int maxRequest = (limits ?? JobLimits.Default).MaxRequestBytes;
        builder.Services.AddExplainTelemetry(serviceName);
        builder.Services.AddGrpcRuntime(o => o.MaxReceiveMessageSize = maxRequest);
        return builder;
    }

    /// <summary>Request count, duration and status of every gRPC method mapped after this call.</summary>
    public static IEndpointRouteBuilder UseGrpcMetrics(this IEndpointRouteBuilder endpoints) => endpoints.AddGrpcServerMetrics();

    /// <summary>grpc.health.v1, server reflection, GET /metrics (Prometheus) and GET /healthz for plain HTTP probes.</summary>
    public static IEndpointRouteBuilder MapStandardEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPrometheusMetrics();
        endpoints.MapGrpcHealth();
        endpoints.MapGrpcReflection();
        endpoints.MapGet("/healthz", () => Microsoft.AspNetCore.Http.Results.Text("ok"));
        return endpoints;
    }
}
