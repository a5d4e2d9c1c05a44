using Google.Protobuf;

namespace Explain.Grpc.Server;

/// <summary>Streams both ways, interleaved as the handler chooses.</summary>
internal sealed class DuplexStreamingServerCallHandler<TRequest, TResponse> : ServerCallHandler
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private readonly Method<TRequest, TResponse> _method;
    private readonly DuplexStreamingServerMethod<TRequest, TResponse> _pipeline;

    public DuplexStreamingServerCallHandler(
        Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse> handler, GrpcServerOptions options)
        : base(options)
    {
        _method = method;
        _pipeline = handler;
        foreach (var interceptor in options.Interceptors.Reverse())
        {
            var next = _pipeline;
            _pipeline = (requests, responses, context) => interceptor.DuplexStreamingServerHandler(requests, responses, context, next);
        }
    }

    protected override Task HandleCoreAsync(ServerCallContext context)
    {
        var reader = new HttpContextStreamReader<TRequest>(context, _method.RequestParser);
        var writer = new HttpContextStreamWriter<TResponse>(context);
        return _pipeline(reader, writer, context);
    }
}
