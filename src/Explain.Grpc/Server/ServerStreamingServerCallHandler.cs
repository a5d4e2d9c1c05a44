using Google.Protobuf;

namespace Explain.Grpc.Server;

/// <summary>One request in, a stream of responses out.</summary>
internal sealed class ServerStreamingServerCallHandler<TRequest, TResponse> : ServerCallHandler
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private readonly Method<TRequest, TResponse> _method;
    private readonly ServerStreamingServerMethod<TRequest, TResponse> _pipeline;

    public ServerStreamingServerCallHandler(
        Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse> handler, GrpcServerOptions options)
        : base(options)
    {
        _method = method;
        _pipeline = handler;
        foreach (var interceptor in options.Interceptors.Reverse())
        {
            var next = _pipeline;
            _pipeline = (request, stream, context) => interceptor.ServerStreamingServerHandler(request, stream, context, next);
        }
    }

    protected override async Task HandleCoreAsync(ServerCallContext context)
    {
        var request = await SingleRequest.ReadAsync(context, _method.RequestParser).ConfigureAwait(false);
        var writer = new HttpContextStreamWriter<TResponse>(context);
        await _pipeline(request, writer, context).ConfigureAwait(false);
    }
}
