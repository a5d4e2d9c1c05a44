using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Explain.Grpc.Server;

/// <summary>
/// Binds typed handlers to the methods of a generated <see cref="ServiceDescriptor"/> by name. Binding
/// checks the call shape and message types against the descriptor, so a mismatch fails at startup.
/// Methods left unbound answer UNIMPLEMENTED.
/// </summary>
public sealed class ServiceBinder
{
    private readonly GrpcServerOptions _options;
    private readonly Dictionary<string, ServerCallHandler> _handlers = new(StringComparer.Ordinal);

    internal ServiceBinder(ServiceDescriptor service, GrpcServerOptions options)
    {
        Service = service;
        _options = options;
    }

    public ServiceDescriptor Service { get; }

    internal IReadOnlyDictionary<string, ServerCallHandler> Handlers => _handlers;

    public ServiceBinder Unary<TRequest, TResponse>(string methodName, UnaryServerMethod<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var method = Bind<TRequest, TResponse>(methodName, MethodType.Unary);
        return Add(method.FullName, new UnaryServerCallHandler<TRequest, TResponse>(method, handler, _options));
    }

    public ServiceBinder ServerStreaming<TRequest, TResponse>(string methodName, ServerStreamingServerMethod<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var method = Bind<TRequest, TResponse>(methodName, MethodType.ServerStreaming);
        return Add(method.FullName, new ServerStreamingServerCallHandler<TRequest, TResponse>(method, handler, _options));
    }

    public ServiceBinder ClientStreaming<TRequest, TResponse>(string methodName, ClientStreamingServerMethod<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var method = Bind<TRequest, TResponse>(methodName, MethodType.ClientStreaming);
        return Add(method.FullName, new ClientStreamingServerCallHandler<TRequest, TResponse>(method, handler, _options));
    }

    public ServiceBinder DuplexStreaming<TRequest, TResponse>(string methodName, DuplexStreamingServerMethod<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var method = Bind<TRequest, TResponse>(methodName, MethodType.DuplexStreaming);
        return Add(method.FullName, new DuplexStreamingServerCallHandler<TRequest, TResponse>(method, handler, _options));
    }

    private Method<TRequest, TResponse> Bind<TRequest, TResponse>(string methodName, MethodType expected)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var method = Method<TRequest, TResponse>.Create(Service, methodName);
        if (method.Type != expected)
        {
            throw new ArgumentException($"{method.FullName} is {method.Type}, not {expected}.", nameof(methodName));
        }

        return method;
    }

    private ServiceBinder Add(string path, ServerCallHandler handler)
    {
        if (!_handlers.TryAdd(path, handler))
        {
            throw new ArgumentException($"{path} is bound twice.");
        }

        return this;
    }
}
