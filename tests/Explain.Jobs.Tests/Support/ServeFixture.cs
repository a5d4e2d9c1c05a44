using System.Net;
using Explain.Client;
using Grpc.Net.Client;
using Explain.Jobs.Hosting;
using Explain.Messaging;
using Microsoft.Extensions.Logging;

namespace Explain.Jobs.Tests.Support;

/// <summary>`explain serve`'s in-process host on 127.0.0.1 port 0 with the in-memory transport, and a client to it.</summary>
public class ServeFixture : IAsyncLifetime
{
    private ServeHost? _host;

    public ServeHost Host => _host ?? throw new InvalidOperationException("not started");

    public GrpcChannel Channel { get; private set; } = null!;

    public ExplainClient Client { get; private set; } = null!;

    public InMemoryTransport Transport => (InMemoryTransport)Host.Transport;

    /// <summary>The model store the host serves (the shared one unless a fixture brings its own).</summary>
    protected virtual string ModelStore => RepoPaths.ModelStore;

    protected virtual JobsOptions Options => new() { ModelStore = ModelStore, WorkerConcurrency = 1, ThreadsPerJob = 2 };

    protected virtual InMemoryTransport CreateTransport() => new();

    /// <summary>The HTTP/1.1 port (metrics, JSON API, gRPC-Web), when the fixture opens one.</summary>
    public int? HttpPort { get; private set; }

    protected virtual bool OpenHttpPort => false;

    protected virtual ServeRoles Roles => ServeRoles.All;

    protected virtual EdgeSecurity Security => new();

    protected virtual GrpcChannelOptions CreateChannelOptions() => ExplainChannelConfig.ChannelOptions();

    public async Task InitializeAsync()
    {
        HttpPort = OpenHttpPort ? FreePort() : null;
        var host = new HostArguments(0, HttpPort, null, ModelStore, 1) { Security = Security };
        _host = await ServeHost.StartAsync(host, Options, IPAddress.Loopback, l => l.ClearProviders(), CreateTransport(), Roles);
        Channel = GrpcChannel.ForAddress(_host.Address, CreateChannelOptions());
        Client = new ExplainClient(Channel.CreateCallInvoker());
    }

    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task DisposeAsync()
    {
        Channel.Dispose();
        if (_host is not null)
            await _host.DisposeAsync();
    }
}
