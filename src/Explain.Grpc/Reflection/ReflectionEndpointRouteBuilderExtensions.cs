using Explain.Grpc.Server;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using V1 = Grpc.Reflection.V1;
using V1Alpha = Grpc.Reflection.V1Alpha;

namespace Explain.Grpc.Reflection;

/// <summary>Maps server reflection in both published versions, grpc.reflection.v1 and v1alpha.</summary>
public static class ReflectionEndpointRouteBuilderExtensions
{
    public static IEndpointRouteBuilder MapGrpcReflection(this IEndpointRouteBuilder endpoints)
    {
        var index = endpoints.ServiceProvider.GetRequiredService<ReflectionIndex>();
        var v1 = new ReflectionServiceV1(index);
        var v1Alpha = new ReflectionServiceV1Alpha(index);
        endpoints.MapGrpcService(V1.ReflectionReflection.Descriptor.Services[0], binder => binder
            .DuplexStreaming<V1.ServerReflectionRequest, V1.ServerReflectionResponse>("ServerReflectionInfo", v1.ServerReflectionInfo));
        endpoints.MapGrpcService(V1Alpha.ReflectionReflection.Descriptor.Services[0], binder => binder
            .DuplexStreaming<V1Alpha.ServerReflectionRequest, V1Alpha.ServerReflectionResponse>(
                "ServerReflectionInfo", v1Alpha.ServerReflectionInfo));
        return endpoints;
    }
}
