using Explain.Grpc.Client;
using Explain.Grpc.Server;

namespace Explain.Grpc.Tests.Support;

/// <summary>Base for end-to-end tests: a fresh Kestrel server and a channel to it per test class instance.</summary>
public abstract class ServerFixture : IAsyncLifetime
{
    private TestGrpcServer? _server;
    private GrpcChannel? _channel;

    protected TestGrpcServer Server => _server ?? throw new InvalidOperationException("Server not started.");

    protected GrpcChannel Channel => _channel ?? throw new InvalidOperationException("Channel not created.");

    public async Task InitializeAsync()
    {
        _server = await TestGrpcServer.StartAsync(ConfigureServer);
        var options = new GrpcChannelOptions { MaxReceiveMessageSize = 16 * 1024 * 1024 };
        ConfigureChannel(options);
        _channel = GrpcChannel.ForAddress(_server.Address, options);
    }

    public async Task DisposeAsync()
    {
        _channel?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    protected virtual void ConfigureServer(GrpcServerOptions options) =>
        options.MaxReceiveMessageSize = 16 * 1024 * 1024;

    protected virtual void ConfigureChannel(GrpcChannelOptions options)
    {
    }

    protected static CallOptions Timeout(int seconds = 10) => CallOptions.Default.WithTimeout(TimeSpan.FromSeconds(seconds));
}
