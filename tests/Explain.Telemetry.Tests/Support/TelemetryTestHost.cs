using System.Net;
using Explain.Telemetry.Grpc;
using Explain.Telemetry.Hosting;
using Explain.Testing.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Explain.Telemetry.Tests.Support;

/// <summary>
/// A service as Explain's hosts wire it: Kestrel on 127.0.0.1 with an h2c gRPC endpoint (Echo) and a
/// plain HTTP/1.1 metrics endpoint, both on OS-chosen ports, telemetry from AddExplainTelemetry.
/// </summary>
public sealed class TelemetryTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TelemetryTestHost(WebApplication app, Uri grpcAddress, Uri metricsAddress)
    {
        _app = app;
        GrpcAddress = grpcAddress;
        MetricsAddress = metricsAddress;
        Channel = GrpcChannel.ForAddress(grpcAddress);
        Echo = new Echo.EchoClient(Channel);
    }

    public Uri GrpcAddress { get; }

    /// <summary>Base address of the metrics endpoint, e.g. http://127.0.0.1:41234/.</summary>
    public Uri MetricsAddress { get; }

    public GrpcChannel Channel { get; }

    public Echo.EchoClient Echo { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<TelemetryTestHost> StartAsync(string serviceName = "explain-test", Action<ExplainTelemetryOptions>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Listen order is the order of IServerAddressesFeature.Addresses.
            kestrel.Listen(new IPEndPoint(IPAddress.Loopback, 0), l => l.Protocols = HttpProtocols.Http2);
            kestrel.ListenMetrics(new IPEndPoint(IPAddress.Loopback, 0));
        });
        builder.Services.AddExplainTelemetry(serviceName, o =>
        {
            o.ServiceInstanceId = "test-instance";
            configure?.Invoke(o);
        });
        builder.Services.AddGrpc(o => o.Interceptors.Add<GrpcServerMetricsInterceptor>());
        var app = builder.Build();
        app.MapGrpcService<EchoService>();
        app.MapPrometheusMetrics();
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => new Uri(a)).ToList();
        return new TelemetryTestHost(app, addresses[0], addresses[1]);
    }

    /// <summary>GET /metrics over HTTP/1.1, as Prometheus does.</summary>
    public async Task<(string ContentType, string Body)> ScrapeAsync(string? accept = null)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(MetricsAddress, "/metrics"));
        if (accept is not null)
            request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        Assert.Equal(HttpVersion.Version11, response.Version);
        return (response.Content.Headers.ContentType!.ToString(), await response.Content.ReadAsStringAsync());
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        using var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stopTimeout.Token);
        await _app.DisposeAsync();
    }
}
