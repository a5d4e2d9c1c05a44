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

    /// <param name="roles">Which services to run; a single role is wired as its host in services/ wires it (tests and benchmarks host them in process).</param>
    public static async Task<ServeHost> StartAsync(HostArguments host, JobsOptions? jobs = null, IPAddress? address = null, Action<ILoggingBuilder>? logging = null,
        IMessageTransport? transport = null, ServeRoles roles = ServeRoles.All)
    {
        string name = roles switch
        {
            ServeRoles.Ingestion => "explain-ingestion",
            ServeRoles.Worker => "explain-worker",
            ServeRoles.Results => "explain-results",
            _ => "explain-serve",
        };
        jobs ??= host.ToJobsOptions();
        transport ??= await HostTransport.ConnectAsync(host, name);
        var builder = ExplainHost.CreateBuilder(host, name, jobs.Limits, address);
        logging?.Invoke(builder.Logging);
        var services = builder.Services.AddExplainCore(jobs, transport);
        if (roles.HasFlag(ServeRoles.Ingestion)) services.AddExplainIngestion();
        if (roles.HasFlag(ServeRoles.Worker)) services.AddExplainWorker();
        if (roles.HasFlag(ServeRoles.Results)) services.AddExplainResults();
        var app = builder.Build();
        app.UseExplainEdge();
        if (roles.HasFlag(ServeRoles.Ingestion)) app.MapExplainIngestion();
        if (roles.HasFlag(ServeRoles.Results)) app.MapExplainResults();
        if ((roles & (ServeRoles.Ingestion | ServeRoles.Results)) != 0) app.MapExplainWebUi();
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
