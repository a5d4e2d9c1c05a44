using Explain.Grpc;
using Explain.Testing.V1;
using Google.Protobuf.Reflection;

namespace Explain.Telemetry.Tests.Support;

/// <summary>Typed client-side methods of explain.testing.v1.Echo.</summary>
public static class EchoMethods
{
    public static ServiceDescriptor Service { get; } = EchoReflection.Descriptor.Services[0];

    public static Method<EchoRequest, EchoResponse> UnaryEcho { get; } = Method<EchoRequest, EchoResponse>.Create(Service, "UnaryEcho");

    public static Method<EchoRequest, EchoResponse> ServerStream { get; } = Method<EchoRequest, EchoResponse>.Create(Service, "ServerStream");

    public static Method<StatusRequest, Empty> ReturnStatus { get; } = Method<StatusRequest, Empty>.Create(Service, "ReturnStatus");

    public static Method<SleepRequest, Empty> Sleep { get; } = Method<SleepRequest, Empty>.Create(Service, "Sleep");
}
