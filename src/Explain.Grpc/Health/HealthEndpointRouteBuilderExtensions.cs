using Explain.Grpc.Server;
using Grpc.Health.V1;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Explain.Grpc.Health;

/// <summary>Maps grpc.health.v1.Health backed by the registered <see cref="HealthService"/>.</summary>
public static class HealthEndpointRouteBuilderExtensions
{
    public static IEndpointRouteBuilder MapGrpcHealth(this IEndpointRouteBuilder endpoints)
    {
        var health = endpoints.ServiceProvider.GetRequiredService<HealthService>();
        return endpoints.MapGrpcService(HealthReflection.Descriptor.Services[0], binder => binder
            .Unary<HealthCheckRequest, HealthCheckResponse>("Check", health.Check)
            .ServerStreaming<HealthCheckRequest, HealthCheckResponse>("Watch", health.Watch));
    }
}
