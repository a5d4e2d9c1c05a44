using Explain.Testing.V1;
using Google.Protobuf.Reflection;

namespace Explain.Grpc.Tests.Support;

/// <summary>Typed client-side methods of explain.testing.v1.Echo, bound from the generated descriptor.</summary>
public static class EchoMethods
{
    public static ServiceDescriptor Service { get; } = EchoReflection.Descriptor.Services[0];

    public static Method<EchoRequest, EchoResponse> UnaryEcho { get; } = Method<EchoRequest, EchoResponse>.Create(Service, "UnaryEcho");

    public static Method<EchoRequest, EchoResponse> ServerStream { get; } = Method<EchoRequest, EchoResponse>.Create(Service, "ServerStream");

    public static Method<EchoRequest, EchoResponse> ClientStream { get; } = Method<EchoRequest, EchoResponse>.Create(Service, "ClientStream");

    public static Method<EchoRequest, EchoResponse> BidiEcho { get; } = Method<EchoRequest, EchoResponse>.Create(Service, "BidiEcho");

    public static Method<StatusRequest, Empty> ReturnStatus { get; } = Method<StatusRequest, Empty>.Create(Service, "ReturnStatus");

    public static Method<SleepRequest, Empty> Sleep { get; } = Method<SleepRequest, Empty>.Create(Service, "Sleep");

    public static Method<Empty, Empty> EchoMetadata { get; } = Method<Empty, Empty>.Create(Service, "EchoMetadata");

    public static Method<Empty, Empty> NotBound { get; } = Method<Empty, Empty>.Create(Service, "NotBound");
}
