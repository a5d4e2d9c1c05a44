using Explain.Interop.Tests.Support;
using Explain.Testing.V1;
using Grpc.Net.Client;

namespace Explain.Interop.Tests.Interop;

/// <summary>A foreign Echo server process (grpcio or grpc-js) shared by one test class, with our channel to it.</summary>
public abstract class PeerServerFixture(string program, string script) : IAsyncLifetime
{
    private PeerProcess? _server;
    private GrpcChannel? _channel;

    public GrpcChannel Channel => _channel ?? throw new InvalidOperationException("Server not started.");

    public Echo.EchoClient Echo { get; private set; } = null!;

    internal PeerProcess Process => _server ?? throw new InvalidOperationException("Server not started.");

    public async Task InitializeAsync()
    {
        _server = PeerProcess.Start(program, script);
        var port = await _server.WaitForLineAsync("PORT ", TimeSpan.FromSeconds(30));
        _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}", new GrpcChannelOptions
        {
            MaxReceiveMessageSize = 16 * 1024 * 1024,
            MaxSendMessageSize = 16 * 1024 * 1024,
        });
        Echo = new Echo.EchoClient(_channel);
    }

    public Task DisposeAsync()
    {
        _channel?.Dispose();
        _server?.Dispose();
        return Task.CompletedTask;
    }
}
