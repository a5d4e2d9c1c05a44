using Explain.Testing.V1;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using Empty = Explain.Testing.V1.Empty;

namespace Explain.Interop.Tests.Interop;

/// <summary>
/// Our client (Grpc.Net.Client with the generated stub) against a real gRPC server (grpcio or
/// grpc-js): every call type, every status code with trailers, deadlines, cancellation, text and
/// binary metadata, 4 MiB messages, gzip both ways and health.
/// </summary>
public abstract class ForeignServerTests(PeerServerFixture peer)
{
    private static DateTime In(int seconds = 10) => DateTime.UtcNow.AddSeconds(seconds);

    [Fact]
    public async Task AllCallTypes_Succeed()
    {
        Assert.Equal("hi", (await peer.Echo.UnaryEchoAsync(new EchoRequest { Message = "hi" }, deadline: In())).Message);

        using var stream = peer.Echo.ServerStream(new EchoRequest { Count = 20 }, deadline: In());
        Assert.Equal(Enumerable.Range(0, 20), await stream.ResponseStream.ReadAllAsync().Select(r => r.Index).ToListAsync());

        using var upload = peer.Echo.ClientStream(deadline: In());
        foreach (var text in new[] { "a", "b" })
        {
            await upload.RequestStream.WriteAsync(new EchoRequest { Message = text, Payload = ByteString.CopyFromUtf8("123") });
        }

        await upload.RequestStream.CompleteAsync();
        var uploaded = await upload;
        Assert.Equal(("a,b", 2, "6"), (uploaded.Message, uploaded.Index, uploaded.Payload.ToStringUtf8()));

        using var bidi = peer.Echo.BidiEcho(deadline: In());
        for (var i = 0; i < 3; i++)
        {
            await bidi.RequestStream.WriteAsync(new EchoRequest { Message = $"m{i}" });
            Assert.True(await bidi.ResponseStream.MoveNext());
            Assert.Equal($"m{i}", bidi.ResponseStream.Current.Message);
        }

        await bidi.RequestStream.CompleteAsync();
        Assert.False(await bidi.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.OK, bidi.GetStatus().StatusCode);
    }

    [Fact]
    public async Task ReturnStatus_EveryCode_StatusMessageAndBinaryTrailers()
    {
        for (var code = 1; code <= 16; code++)
        {
            var text = $"failed 100% \u2603 {code}";
            var ex = await Assert.ThrowsAsync<RpcException>(async () =>
                await peer.Echo.ReturnStatusAsync(new StatusRequest { Code = code, Message = text }, deadline: In()));

            Assert.Equal((StatusCode)code, ex.StatusCode);
            Assert.Equal(text, ex.Status.Detail);
            Assert.Equal("detail", ex.Trailers.GetValue("x-error-detail"));
            Assert.Equal(new byte[] { 0, 1, 2, 255 }, ex.Trailers.GetValueBytes("x-error-bin"));
        }
    }

    [Fact]
    public async Task NotBound_Unimplemented()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await peer.Echo.NotBoundAsync(new Empty(), deadline: In()));

        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
    }

    [Fact]
    public async Task Sleep_DeadlineAndCancellation_ReachTheServer()
    {
        var deadline = await Assert.ThrowsAsync<RpcException>(async () =>
            await peer.Echo.SleepAsync(new SleepRequest { Milliseconds = 10_000 }, deadline: DateTime.UtcNow.AddMilliseconds(300)));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var cancelled = await Assert.ThrowsAsync<RpcException>(async () =>
            await peer.Echo.SleepAsync(new SleepRequest { Milliseconds = 10_000 }, deadline: In(), cancellationToken: cts.Token));

        Assert.Equal(StatusCode.DeadlineExceeded, deadline.StatusCode);
        Assert.Equal(StatusCode.Cancelled, cancelled.StatusCode);
        await peer.Process.WaitForLineAsync("CANCELLED sleep", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task EchoMetadata_TextAndBinary_RoundTrip()
    {
        var binary = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        using var call = peer.Echo.EchoMetadataAsync(new Empty(), new Metadata { { "x-text", "hello" }, { "x-data-bin", binary } }, In());

        await call;

        Assert.Equal("hello", (await call.ResponseHeadersAsync).GetValue("x-text"));
        Assert.Equal(binary, call.GetTrailers().GetValueBytes("x-data-bin"));
    }

    [Fact]
    public async Task UnaryEcho_FourMebibytes_PlainAndGzip_RoundTrip()
    {
        var payload = ByteString.CopyFrom(Enumerable.Range(0, 4 * 1024 * 1024).Select(i => (byte)(i % 251)).ToArray());
        // grpc-encoding: gzip on the request; the peers compress their responses (server.py / server.js).
        var gzip = new Metadata { { "grpc-internal-encoding-request", "gzip" } };

        var plain = await peer.Echo.UnaryEchoAsync(new EchoRequest { Payload = payload }, deadline: In(30));
        using var compressed = peer.Echo.UnaryEchoAsync(new EchoRequest { Payload = payload }, gzip, In(30));
        var response = await compressed;

        Assert.Equal(payload, plain.Payload);
        Assert.Equal(payload, response.Payload);
        var streamed = await peer.Echo.ServerStream(new EchoRequest { Count = 2, ResponseSize = 4 * 1024 * 1024 }, deadline: In(30))
            .ResponseStream.ReadAllAsync().Select(r => r.Payload.Length).ToListAsync();
        Assert.Equal([4 * 1024 * 1024, 4 * 1024 * 1024], streamed);
    }

    [Fact]
    public async Task HealthCheck_Serving()
    {
        var response = await new Health.HealthClient(peer.Channel).CheckAsync(new HealthCheckRequest(), deadline: In());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }
}
