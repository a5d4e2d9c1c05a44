using Google.Protobuf;

namespace Explain.Grpc.Server;

/// <summary>One request in, one response out.</summary>
internal sealed class UnaryServerCallHandler<TRequest, TResponse> : ServerCallHandler
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private readonly Method<TRequest, TResponse> _method;
    private readonly UnaryServerMethod<TRequest, TResponse> _pipeline;

    public UnaryServerCallHandler(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse> handler, GrpcServerOptions options)
        : base(options)
    {
        _method = method;
        _pipeline = handler;
        foreach (var interceptor in options.Interceptors.Reverse())
        {
            var next = _pipeline;
            _pipeline = (request, context) => interceptor.UnaryServerHandler(request, context, next);
        }
    }

    protected override async Task HandleCoreAsync(ServerCallContext context)
    {
        var request = await SingleRequest.ReadAsync(context, _method.RequestParser).ConfigureAwait(false);
        var response = await _pipeline(request, context).ConfigureAwait(false);
        await ServerMessageIO.WriteMessageAsync(context, response, context.CancellationToken, flush: false).ConfigureAwait(false);
    }
}
