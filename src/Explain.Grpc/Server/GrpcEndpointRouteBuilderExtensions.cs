using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Explain.Grpc.Server;

/// <summary>Maps gRPC services onto endpoint routing: one POST endpoint per method plus a catch-all.</summary>
public static class GrpcEndpointRouteBuilderExtensions
{
    /// <summary>Maps the methods bound in <paramref name="bind"/>; unbound ones answer UNIMPLEMENTED.</summary>
    public static IEndpointRouteBuilder MapGrpcService(
        this IEndpointRouteBuilder endpoints, ServiceDescriptor service, Action<ServiceBinder> bind)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(bind);
        var options = endpoints.ServiceProvider.GetRequiredService<GrpcServerOptions>();
        var registry = endpoints.ServiceProvider.GetRequiredService<GrpcServiceRegistry>();
        var binder = new ServiceBinder(service, options);
        bind(binder);
        registry.Add(service);
        foreach (var (path, handler) in binder.Handlers)
        {
            endpoints.MapPost(path, handler.HandleCallAsync).WithDisplayName($"gRPC {path}");
        }

        MapUnimplemented(endpoints, registry, options);
        return endpoints;
    }

    /// <summary>
    /// "/{service}/{method}" for anything not bound: literal routes always win over this pattern,
    /// so it only catches unknown services and methods.
    /// </summary>
    private static void MapUnimplemented(IEndpointRouteBuilder endpoints, GrpcServiceRegistry registry, GrpcServerOptions options)
    {
        if (registry.UnimplementedMapped)
        {
            return;
        }

        registry.UnimplementedMapped = true;
        var handler = new UnimplementedCallHandler(options);
        endpoints.Map("{unimplementedService}/{unimplementedMethod}", handler.HandleCallAsync)
            .WithDisplayName("gRPC unimplemented")
            .Add(b => ((RouteEndpointBuilder)b).Order = int.MaxValue);
    }
}
