using Explain.Grpc.Server;
using Explain.Grpc.Tests.Support;
using Explain.Testing.V1;
using Google.Protobuf;

namespace Explain.Grpc.Tests.EndToEnd;

public sealed class CompressionTests : ServerFixture
{
    protected override void ConfigureServer(GrpcServerOptions options)
    {
        base.ConfigureServer(options);
        options.ResponseCompression = "gzip";
    }

    [Fact]
    public async Task UnaryEcho_GzipBothWays_RoundTripsAndAnnouncesEncoding()
    {
        var payload = ByteString.CopyFrom(new byte[100_000]);
        using var call = Channel.UnaryCall(EchoMethods.UnaryEcho, new EchoRequest { Payload = payload },
            Timeout() with { WriteCompression = "gzip" });

        var response = await call;

        Assert.Equal(payload, response.Payload);
    }

    [Fact]
    public async Task BidiEcho_GzipStream_EveryMessageRoundTrips()
    {
        using var call = Channel.DuplexStreamingCall(EchoMethods.BidiEcho, Timeout() with { WriteCompression = "gzip" });

        for (var i = 0; i < 3; i++)
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Message = new string('z', 1000 * (i + 1)) });
            Assert.True(await call.ResponseStream.MoveNext());
            Assert.Equal(1000 * (i + 1), call.ResponseStream.Current.Message.Length);
        }

        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext());
    }

    [Fact]
    public async Task UnaryEcho_ServerCompresses_ResponseIsGzipOnTheWire()
    {
        using var http = RawGrpc.CreateClient();
        using var request = RawGrpc.Request(Server.Address, "/explain.testing.v1.Echo/UnaryEcho", new EchoRequest { ResponseSize = 10_000 });
        request.Headers.TryAddWithoutValidation("grpc-accept-encoding", "gzip");

        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal("gzip", response.Headers.GetValues("grpc-encoding").Single());
        Assert.Equal(1, body[0]);
        Assert.True(body.Length < 1000);
    }

    [Fact]
    public async Task UnaryEcho_ClientAcceptsNoGzip_ResponseIsIdentity()
    {
        using var http = RawGrpc.CreateClient();
        using var request = RawGrpc.Request(Server.Address, "/explain.testing.v1.Echo/UnaryEcho", new EchoRequest { ResponseSize = 100 });

        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.False(response.Headers.Contains("grpc-encoding"));
        Assert.Equal(0, body[0]);
    }
}
