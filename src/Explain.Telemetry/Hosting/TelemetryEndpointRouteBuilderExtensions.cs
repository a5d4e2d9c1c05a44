using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Explain.Telemetry.Hosting;

/// <summary>The Prometheus scrape endpoint, on the metrics port only.</summary>
public static class TelemetryEndpointRouteBuilderExtensions
{
    /// <summary>
    /// GET <paramref name="pattern"/>: the OpenTelemetry Prometheus exporter (text 0.0.4, or
    /// OpenMetrics with exemplars when the scraper asks for application/openmetrics-text). It answers
    /// only on the endpoint opened by <see cref="TelemetryKestrelExtensions.ListenMetrics(KestrelServerOptions, System.Net.IPEndPoint)"/>;
    /// elsewhere (the gRPC port) the path is 404, so metrics never travel on the public port.
    /// </summary>
    public static IEndpointConventionBuilder MapPrometheusMetrics(this IEndpointRouteBuilder endpoints, string pattern = "/metrics")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var port = endpoints.ServiceProvider.GetRequiredService<MetricsPort>();
        return endpoints.MapPrometheusScrapingEndpoint(pattern, meterProvider: null, configureBranchedPipeline: branch => branch.Use(async (context, next) =>
        {
            if (!port.Serves(context.Connection.LocalPort))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            await next(context).ConfigureAwait(false);
        }), optionsName: null).WithDisplayName("Prometheus metrics");
    }
}
