using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Explain.Grpc;

/// <summary>
/// A typed method: its path "/package.Service/Method", call shape and message parsers. Built from the
/// generated FileDescriptor's <see cref="MethodDescriptor"/>, so no grpc_csharp_plugin output is needed.
/// </summary>
public sealed class Method<TRequest, TResponse>
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private Method(MethodDescriptor descriptor, MethodType type)
    {
        Descriptor = descriptor;
        Type = type;
        RequestParser = (MessageParser<TRequest>)descriptor.InputType.Parser;
        ResponseParser = (MessageParser<TResponse>)descriptor.OutputType.Parser;
    }

    public MethodDescriptor Descriptor { get; }

    public MethodType Type { get; }

    public string ServiceName => Descriptor.Service.FullName;

    public string Name => Descriptor.Name;

    /// <summary>The HTTP/2 :path of the method.</summary>
    public string FullName => $"/{ServiceName}/{Name}";

    public MessageParser<TRequest> RequestParser { get; }

    public MessageParser<TResponse> ResponseParser { get; }

    /// <summary>Binds a descriptor to types, checking the generated CLR types match.</summary>
    public static Method<TRequest, TResponse> Create(MethodDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        CheckType(descriptor, descriptor.InputType, typeof(TRequest), "request");
        CheckType(descriptor, descriptor.OutputType, typeof(TResponse), "response");
        var type = (descriptor.IsClientStreaming, descriptor.IsServerStreaming) switch
        {
            (false, false) => MethodType.Unary,
            (true, false) => MethodType.ClientStreaming,
            (false, true) => MethodType.ServerStreaming,
            _ => MethodType.DuplexStreaming,
        };
        return new Method<TRequest, TResponse>(descriptor, type);
    }

    /// <summary>Finds "Method" in the service and binds it.</summary>
    public static Method<TRequest, TResponse> Create(ServiceDescriptor service, string methodName) =>
        Create(service.FindMethodByName(methodName)
            ?? throw new ArgumentException($"Service {service.FullName} has no method {methodName}.", nameof(methodName)));

    public override string ToString() => $"{Type} {FullName}";

    private static void CheckType(MethodDescriptor method, MessageDescriptor message, Type clrType, string role)
    {
        if (message.ClrType != clrType)
        {
            throw new ArgumentException(
                $"{method.FullName} takes {message.FullName} ({message.ClrType}) as {role}, not {clrType}.");
        }
    }
}
