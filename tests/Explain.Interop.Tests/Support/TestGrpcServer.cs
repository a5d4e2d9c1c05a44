using System.Net;
using System.Security.Cryptography.X509Certificates;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Explain.Interop.Tests.Support;

/// <summary>
/// Kestrel on 127.0.0.1 with an OS-chosen port serving Echo, grpc.health.v1 and server
/// reflection through grpc-dotnet: HTTP/2 only (h2c) without a certificate, TLS with ALPN h2 with one.
/// </summary>
public sealed class TestGrpcServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestGrpcServer(WebApplication app, Uri address, EchoService echo)
    {
        _app = app;
        Address = address;
        Echo = echo;
    }

    public Uri Address { get; }

    public EchoService Echo { get; }

    public static async Task<TestGrpcServer> StartAsync(Action<GrpcServiceOptions>? configure = null, X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        var echo = new EchoService();
        builder.Services.AddSingleton(echo);
        builder.Services.AddGrpc(options =>
        {
            options.MaxReceiveMessageSize = 16 * 1024 * 1024;
            options.MaxSendMessageSize = 16 * 1024 * 1024;
            configure?.Invoke(options);
        });
        // One always-healthy check, published at once (the publisher's default first delay is 5 s,
        // during which Watch would report UNKNOWN).
        builder.Services.AddGrpcHealthChecks().AddCheck("echo", () => HealthCheckResult.Healthy());
        builder.Services.Configure<HealthCheckPublisherOptions>(o => o.Delay = TimeSpan.Zero);
        builder.Services.AddGrpcReflection();
        var app = builder.Build();
        app.MapGrpcService<EchoService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        await app.StartAsync();
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestGrpcServer(app, new Uri(bound), echo);
    }

    public async ValueTask DisposeAsync()
    {
        using var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stopTimeout.Token);
        await _app.DisposeAsync();
    }
}
