using Google.Protobuf;

namespace Explain.Grpc.Server;

/// <summary>
/// Wraps server calls (auth, logging, metrics). Every method passes straight through to the
/// continuation unless overridden; an override may inspect, short-circuit (throw
/// <see cref="RpcException"/>) or wrap the call.
/// </summary>
public abstract class ServerInterceptor
{
    public virtual Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
        => continuation(request, context);

    public virtual Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context,
        ClientStreamingServerMethod<TRequest, TResponse> continuation)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
        => continuation(requestStream, context);

    public virtual Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IAsyncStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
        => continuation(request, responseStream, context);

    public virtual Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IAsyncStreamWriter<TResponse> responseStream,
        ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
        => continuation(requestStream, responseStream, context);
}
