using System.Net;
using Explain.Client;
using Grpc.Net.Client;
using Explain.Jobs.Hosting;
using Explain.Jobs.Tests.Support;
using Explain.Messaging;
using Microsoft.Extensions.Logging;

namespace Explain.Jobs.Tests.Broker;

/// <summary>The ingestion or results host wired as its Program.cs does, in the test process, on the test broker.</summary>
public sealed class InProcessService : IAsyncDisposable
{
    private readonly ServeHost _host;
    private readonly GrpcChannel _channel;

    private InProcessService(ServeHost host)
    {
        _host = host;
        _channel = GrpcChannel.ForAddress(host.Address, ExplainChannelConfig.ChannelOptions());
        Client = new ExplainClient(_channel.CreateCallInvoker());
    }

    public ExplainClient Client { get; }

    /// <summary>The channel to the host, for the standard services (health, reflection).</summary>
    public GrpcChannel Channel => _channel;

    /// <param name="modelStore">The model store it validates against; null: the shared one.</param>
    public static Task<InProcessService> IngestionAsync(Uri broker, string? modelStore = null) => StartAsync(broker, ServeRoles.Ingestion, modelStore: modelStore);

    /// <param name="options">The results options (stall timeout, retention); null: the host's defaults.</param>
    public static Task<InProcessService> ResultsAsync(Uri broker, JobsOptions? options = null) => StartAsync(broker, ServeRoles.Results, options);

    /// <summary>The host's services (the results index, …).</summary>
    public IServiceProvider Services => _host.Services;

    private static async Task<InProcessService> StartAsync(Uri broker, ServeRoles role, JobsOptions? options = null, string? modelStore = null)
    {
        var transport = await RabbitMqTransport.ConnectAsync(new RabbitMqTransportOptions { Uri = broker, ClientName = role.ToString(), ReconnectDelay = TimeSpan.FromMilliseconds(250) });
        var host = new HostArguments(0, null, broker, modelStore ?? RepoPaths.ModelStore, 1);
        return new InProcessService(await ServeHost.StartAsync(host, options, IPAddress.Loopback, l => l.ClearProviders(), transport, role));
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await _host.DisposeAsync();
    }
}
