using Google.Protobuf.Reflection;

namespace Explain.Grpc.Server;

/// <summary>The services mapped on this server; server reflection answers from it.</summary>
public sealed class GrpcServiceRegistry
{
    private readonly List<ServiceDescriptor> _services = [];
    private readonly Lock _lock = new();

    public IReadOnlyList<ServiceDescriptor> Services
    {
        get
        {
            lock (_lock)
            {
                return [.. _services];
            }
        }
    }

    internal bool UnimplementedMapped { get; set; }

    internal void Add(ServiceDescriptor service)
    {
        lock (_lock)
        {
            if (_services.Any(s => s.FullName == service.FullName))
            {
                throw new InvalidOperationException($"Service {service.FullName} is mapped twice.");
            }

            _services.Add(service);
        }
    }
}
