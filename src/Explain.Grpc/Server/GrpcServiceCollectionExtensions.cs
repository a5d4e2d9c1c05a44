using Explain.Grpc.Health;
using Explain.Grpc.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Explain.Grpc.Server;

/// <summary>Registers the runtime's shared services: options, the service registry, health and reflection.</summary>
public static class GrpcServiceCollectionExtensions
{
    public static IServiceCollection AddGrpcRuntime(this IServiceCollection services, Action<GrpcServerOptions>? configure = null)
    {
        var options = new GrpcServerOptions();
        configure?.Invoke(options);
        services.AddRouting();
        services.TryAddSingleton(options);
        services.TryAddSingleton<GrpcServiceRegistry>();
        services.TryAddSingleton<HealthService>();
        services.TryAddSingleton<ReflectionIndex>();
        return services;
    }
}
