using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Explain.Jobs.GrpcServices;

/// <summary>
/// Turns a <see cref="JobRejectedException"/> thrown by any service method into its status
/// (<see cref="RpcErrors"/>), so the service classes hold no try/catch of their own.
/// </summary>
public sealed class DomainErrorInterceptor : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (JobRejectedException e)
        {
            throw RpcErrors.ToRpcException(e);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (JobRejectedException e)
        {
            throw RpcErrors.ToRpcException(e);
        }
    }
}
