using Explain.Telemetry.Grpc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Explain.Telemetry.Hosting;

/// <summary>One call per service: meters, the Prometheus reader, OTLP when configured, the gRPC metrics interceptor.</summary>
public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ExplainTelemetry"/> as a singleton created when the host starts and
    /// disposed with the host, plus <see cref="GrpcServerTelemetryInterceptor"/>
    /// (wire it with <see cref="TelemetryEndpointRouteBuilderExtensions.AddGrpcServerMetrics"/>).
    /// </summary>
    public static IServiceCollection AddExplainTelemetry(
        this IServiceCollection services, string serviceName, Action<ExplainTelemetryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        var options = new ExplainTelemetryOptions();
        configure?.Invoke(options);
        services.AddMetrics();
        services.TryAddSingleton(_ => new ExplainTelemetry(serviceName, options));
        services.TryAddSingleton<GrpcServerTelemetryInterceptor>();
        services.AddHostedService<TelemetryHostedService>();
        return services;
    }
}
