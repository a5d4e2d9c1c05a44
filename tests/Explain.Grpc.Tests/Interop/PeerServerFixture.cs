using Explain.Grpc.Client;

namespace Explain.Grpc.Tests.Interop;

/// <summary>A foreign Echo server process (grpcio or grpc-js) shared by one test class, with our channel to it.</summary>
public abstract class PeerServerFixture(string program, string script) : IAsyncLifetime
{
    private PeerProcess? _server;

    public GrpcChannel Channel { get; private set; } = null!;

    internal PeerProcess Process => _server ?? throw new InvalidOperationException("Server not started.");

    public async Task InitializeAsync()
    {
        _server = PeerProcess.Start(program, script);
        var port = await _server.WaitForLineAsync("PORT ", TimeSpan.FromSeconds(30));
        Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}", new GrpcChannelOptions
        {
            MaxReceiveMessageSize = 16 * 1024 * 1024,
            KeepAlivePingDelay = TimeSpan.FromSeconds(10),
        });
    }

    public Task DisposeAsync()
    {
        Channel?.Dispose();
        _server?.Dispose();
        return Task.CompletedTask;
    }
}
