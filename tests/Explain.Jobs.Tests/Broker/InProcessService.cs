using System.Net;
using Explain.Client;
using Explain.Grpc.Client;
using Explain.Jobs.Hosting;
using Explain.Jobs.Tests.Support;
using Explain.Messaging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Explain.Jobs.Tests.Broker;

/// <summary>The ingestion or results host wired as its Program.cs does, in the test process, on the test broker.</summary>
public sealed class InProcessService : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IMessageTransport _transport;
    private readonly GrpcChannel _channel;

    private InProcessService(WebApplication app, IMessageTransport transport, Uri address)
    {
        _app = app;
        _transport = transport;
        _channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { MaxReceiveMessageSize = 64 << 20 });
        Client = new ExplainClient(_channel);
    }

    public ExplainClient Client { get; }

    public static Task<InProcessService> IngestionAsync(Uri broker) => StartAsync(broker, "explain-ingestion", s => s.AddExplainIngestion(), a => a.MapExplainIngestion());

    public static Task<InProcessService> ResultsAsync(Uri broker) => StartAsync(broker, "explain-results", s => s.AddExplainResults(), a => a.MapExplainResults());

    private static async Task<InProcessService> StartAsync(Uri broker, string name, Action<IServiceCollection> add, Action<WebApplication> map)
    {
        var transport = await RabbitMqTransport.ConnectAsync(new RabbitMqTransportOptions { Uri = broker, ClientName = name, ReconnectDelay = TimeSpan.FromMilliseconds(250) });
        var host = new HostArguments(0, null, broker, RepoPaths.ModelStore, 1);
        var jobs = host.ToJobsOptions();
        var builder = ExplainHost.CreateBuilder(host, name, jobs.Limits, IPAddress.Loopback);
        builder.Logging.ClearProviders();
        add(builder.Services.AddExplainCore(jobs, transport));
        var app = builder.Build();
        app.UseGrpcMetrics();
        map(app);
        app.MapStandardEndpoints();
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new InProcessService(app, transport, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
        await _transport.DisposeAsync();
    }
}
