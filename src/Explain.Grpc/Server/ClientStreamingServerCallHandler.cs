using Google.Protobuf;

namespace Explain.Grpc.Server;

/// <summary>A stream of requests in, one response out.</summary>
internal sealed class ClientStreamingServerCallHandler<TRequest, TResponse> : ServerCallHandler
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private readonly Method<TRequest, TResponse> _method;
    private readonly ClientStreamingServerMethod<TRequest, TResponse> _pipeline;

    public ClientStreamingServerCallHandler(
        Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse> handler, GrpcServerOptions options)
        : base(options)
    {
        _method = method;
        _pipeline = handler;
        foreach (var interceptor in options.Interceptors.Reverse())
        {
            var next = _pipeline;
            _pipeline = (requests, context) => interceptor.ClientStreamingServerHandler(requests, context, next);
        }
    }

    protected override async Task HandleCoreAsync(ServerCallContext context)
    {
        var reader = new HttpContextStreamReader<TRequest>(context, _method.RequestParser);
        var response = await _pipeline(reader, context).ConfigureAwait(false);
        await ServerMessageIO.WriteMessageAsync(context, response, context.CancellationToken, flush: false).ConfigureAwait(false);
    }
}
