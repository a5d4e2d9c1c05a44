using Google.Protobuf;

namespace Explain.Grpc.Client;

/// <summary>
/// A connection pool to one server over HTTP/2 (h2c for http:// with prior knowledge, TLS with ALPN h2
/// for https://) and the entry point for the four call types.
/// </summary>
public sealed class GrpcChannel : IDisposable
{
    private readonly bool _ownsHandler;

    private GrpcChannel(Uri address, GrpcChannelOptions options)
    {
        Address = address;
        Options = options;
        _ownsHandler = options.HttpHandler is null;
        var handler = options.HttpHandler ?? CreateHandler(options);
        Invoker = new HttpMessageInvoker(handler, disposeHandler: _ownsHandler);
    }

    public Uri Address { get; }

    public GrpcChannelOptions Options { get; }

    internal HttpMessageInvoker Invoker { get; }

    public static GrpcChannel ForAddress(string address, GrpcChannelOptions? options = null) =>
        ForAddress(new Uri(address), options);

    public static GrpcChannel ForAddress(Uri address, GrpcChannelOptions? options = null) =>
        new(address, options ?? new GrpcChannelOptions());

    public AsyncUnaryCall<TResponse> UnaryCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, TRequest request, CallOptions? options = null)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var retry = new UnaryRetryCall<TRequest, TResponse>(this, method, request, Intercept(method, options));
        return new AsyncUnaryCall<TResponse>(retry.RunAsync(), retry);
    }

    public AsyncServerStreamingCall<TResponse> ServerStreamingCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, TRequest request, CallOptions? options = null)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var call = StartCall(method, Intercept(method, options), request);
        return new AsyncServerStreamingCall<TResponse>(new ClientCallStreams<TRequest, TResponse>(call), call);
    }

    public AsyncClientStreamingCall<TRequest, TResponse> ClientStreamingCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, CallOptions? options = null)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var call = StartCall(method, Intercept(method, options), null);
        return new AsyncClientStreamingCall<TRequest, TResponse>(
            new ClientCallStreams<TRequest, TResponse>(call), call.ReadSingleResponseAsync(), call);
    }

    public AsyncDuplexStreamingCall<TRequest, TResponse> DuplexStreamingCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, CallOptions? options = null)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var call = StartCall(method, Intercept(method, options), null);
        var streams = new ClientCallStreams<TRequest, TResponse>(call);
        return new AsyncDuplexStreamingCall<TRequest, TResponse>(streams, streams, call);
    }

    public void Dispose() => Invoker.Dispose();

    internal GrpcCall<TRequest, TResponse> StartCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, CallOptions options, TRequest? request)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var call = new GrpcCall<TRequest, TResponse>(this, method, options);
        call.Start(request);
        return call;
    }

    private CallOptions Intercept<TRequest, TResponse>(Method<TRequest, TResponse> method, CallOptions? options)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var result = options ?? CallOptions.Default;
        foreach (var interceptor in Options.Interceptors)
        {
            result = interceptor.OnCallStarting(method.FullName, method.Type, result);
        }

        return result;
    }

    private static SocketsHttpHandler CreateHandler(GrpcChannelOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            // gRPC multiplexes many calls; a second connection opens when one hits the stream limit.
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            InitialHttp2StreamWindowSize = options.InitialStreamWindowSize,
        };
        if (options.KeepAlivePingDelay is { } delay)
        {
            handler.KeepAlivePingDelay = delay;
            handler.KeepAlivePingTimeout = options.KeepAlivePingTimeout;
            handler.KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always;
        }

        if (options.SslOptions is { } ssl)
        {
            handler.SslOptions = ssl;
        }

        return handler;
    }
}
