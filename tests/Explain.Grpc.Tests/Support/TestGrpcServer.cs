using System.Net;
using System.Security.Cryptography.X509Certificates;
using Explain.Grpc.Health;
using Explain.Grpc.Hosting;
using Explain.Grpc.Reflection;
using Explain.Grpc.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Explain.Grpc.Tests.Support;

/// <summary>A real Kestrel server on 127.0.0.1 with an OS-chosen port, serving Echo, health and reflection.</summary>
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

    public IServiceProvider Services => _app.Services;

    public static async Task<TestGrpcServer> StartAsync(
        Action<GrpcServerOptions>? configure = null, X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var endpoint = new IPEndPoint(IPAddress.Loopback, 0);
            if (certificate is null)
            {
                kestrel.ListenGrpc(endpoint);
            }
            else
            {
                kestrel.ListenGrpcTls(endpoint, certificate);
            }
        });
        builder.Services.AddGrpcRuntime(configure);
        var app = builder.Build();
        var echo = new EchoService();
        app.MapGrpcService(EchoMethods.Service, binder => EchoService.Bind(binder, echo));
        app.MapGrpcHealth();
        app.MapGrpcReflection();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestGrpcServer(app, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)), echo);
    }

    public async ValueTask DisposeAsync()
    {
        using var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stopTimeout.Token);
        await _app.DisposeAsync();
    }
}
