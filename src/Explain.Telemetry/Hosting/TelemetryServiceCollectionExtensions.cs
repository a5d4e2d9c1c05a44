using Explain.Telemetry.Grpc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Explain.Telemetry.Hosting;

/// <summary>One call per service: the OpenTelemetry SDK with our meters, instrumentations, the Prometheus exporter and OTLP when configured.</summary>
public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// Metrics: Explain.* meters, ASP.NET Core / Kestrel, .NET runtime and process instrumentation,
    /// exported for Prometheus scrapes (<see cref="TelemetryEndpointRouteBuilderExtensions.MapPrometheusMetrics"/>)
    /// with trace-based exemplars, so a latency bucket links to a trace id. Traces: ASP.NET Core's
    /// server span per request (it continues the caller's traceparent; gRPC calls carry
    /// rpc.* tags) and our Explain.* spans. Also registers <see cref="GrpcServerMetricsInterceptor"/>.
    /// </summary>
    public static IServiceCollection AddExplainTelemetry(
        this IServiceCollection services, string serviceName, Action<ExplainTelemetryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        var options = new ExplainTelemetryOptions();
        configure?.Invoke(options);
        services.TryAddSingleton(options);
        services.TryAddSingleton<MetricsPort>();
        services.AddMetrics();
        services.TryAddSingleton<GrpcServerMetricsInterceptor>();
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r
                .AddService(serviceName, serviceInstanceId: options.ServiceInstanceId, autoGenerateServiceInstanceId: options.ServiceInstanceId is null)
                .AddAttributes(options.ResourceAttributes))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter([.. ExplainTelemetry.DefaultMeters, .. options.AdditionalMeters])
                    .AddView(ExplainTelemetry.View)
                    .SetExemplarFilter(ExemplarFilterType.TraceBased)
                    .AddAspNetCoreInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddProcessInstrumentation()
                    .AddPrometheusExporter(o =>
                    {
                        o.ScrapeResponseCacheDurationMilliseconds = 0;
                        o.ScopeInfoEnabled = false; // series keep the label sets the dashboard and alert rules were written for
                        o.ScrapeResponseTimeoutMilliseconds = (int)options.ScrapeTimeout.TotalMilliseconds;
                    });
                if (options.EnableOtlp)
                    metrics.AddOtlpExporter();
            })
            .WithTracing(tracing =>
            {
                tracing.AddSource(ExplainTelemetry.TraceSources)
                    .AddAspNetCoreInstrumentation(o => o.Filter = context => context.Request.Path != "/metrics");
                if (options.EnableOtlp)
                    tracing.AddOtlpExporter();
            });
        return services;
    }
}
