using System.Net;
using Explain.Messaging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Explain.Jobs.Hosting;

/// <summary>
/// `explain serve`: ingestion, workers and results in one process on one gRPC port, over the
/// in-memory transport unless given a broker. Tests start it on 127.0.0.1 port 0.
/// </summary>
public sealed class ServeHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ServeHost(WebApplication app, IMessageTransport transport, Uri address)
    {
        _app = app;
        Transport = transport;
        Address = address;
    }

    /// <summary>The gRPC address (http://host:port, h2c).</summary>
    public Uri Address { get; }

    public IMessageTransport Transport { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<ServeHost> StartAsync(HostArguments host, JobsOptions? jobs = null, IPAddress? address = null, Action<ILoggingBuilder>? logging = null, IMessageTransport? transport = null)
    {
        jobs ??= host.ToJobsOptions();
        transport ??= await HostTransport.ConnectAsync(host.RabbitMq, "explain-serve");
        var builder = ExplainHost.CreateBuilder(host, "explain-serve", jobs.Limits, address);
        logging?.Invoke(builder.Logging);
        builder.Services.AddExplainCore(jobs, transport).AddExplainIngestion().AddExplainWorker().AddExplainResults();
        var app = builder.Build();
        app.UseGrpcMetrics();
        app.MapExplainIngestion();
        app.MapExplainResults();
        app.MapStandardEndpoints();
        await app.StartAsync();
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var uri = new Uri(bound.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
        return new ServeHost(app, transport, uri);
    }

    /// <summary>Runs until the process is told to stop (Ctrl+C, SIGTERM).</summary>
    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
        await Transport.DisposeAsync();
    }
}
