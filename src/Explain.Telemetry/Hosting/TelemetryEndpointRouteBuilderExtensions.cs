using Explain.Grpc.Server;
using Explain.Telemetry.Grpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Explain.Telemetry.Hosting;

/// <summary>Endpoints and gRPC wiring for <see cref="ExplainTelemetry"/>.</summary>
public static class TelemetryEndpointRouteBuilderExtensions
{
    /// <summary>
    /// GET <paramref name="pattern"/> answers with the Prometheus text format. It is mapped on every
    /// Kestrel endpoint; <see cref="TelemetryKestrelExtensions.ListenMetrics(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions, System.Net.IPEndPoint)"/>
    /// opens the plain HTTP/1.1 one Prometheus scrapes (the gRPC endpoint speaks only HTTP/2).
    /// </summary>
    public static IEndpointConventionBuilder MapPrometheusMetrics(this IEndpointRouteBuilder endpoints, string pattern = "/metrics")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var telemetry = endpoints.ServiceProvider.GetRequiredService<ExplainTelemetry>();
        return endpoints.MapGet(pattern, async context =>
        {
            string text;
            try
            {
                text = telemetry.Scrape();
            }
            catch (TimeoutException)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }

            context.Response.ContentType = Prometheus.PrometheusMetricReader.ContentType;
            await context.Response.WriteAsync(text, context.RequestAborted).ConfigureAwait(false);
        }).WithDisplayName("Prometheus metrics");
    }

    /// <summary>
    /// Puts <see cref="GrpcServerTelemetryInterceptor"/> first (outermost) in the gRPC interceptors.
    /// Call before MapGrpcService: handlers capture the interceptor list when they are mapped.
    /// </summary>
    public static IEndpointRouteBuilder AddGrpcServerMetrics(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = endpoints.ServiceProvider.GetRequiredService<GrpcServerOptions>();
        var interceptor = endpoints.ServiceProvider.GetRequiredService<GrpcServerTelemetryInterceptor>();
        if (!options.Interceptors.Contains(interceptor))
        {
            options.Interceptors.Insert(0, interceptor);
        }

        return endpoints;
    }
}
