using Explain.Grpc.Client;
using Explain.Grpc.Tests.Support;
using Explain.Testing.V1;
using Google.Protobuf;
using Grpc.Health.V1;

namespace Explain.Grpc.Tests.Interop;

/// <summary>
/// Our client against a real gRPC server (grpcio or grpc-js): every call type, every status code with
/// trailers, deadlines, cancellation, metadata incl. binary, 4 MB messages, gzip and health.
/// </summary>
public abstract class ForeignServerTests(PeerServerFixture peer)
{
    private static CallOptions Timeout(int seconds = 10) => CallOptions.Default.WithTimeout(TimeSpan.FromSeconds(seconds));

    [Fact]
    public async Task AllCallTypes_AgainstGrpcio_Succeed()
    {
        var channel = peer.Channel;
        Assert.Equal("hi", (await channel.UnaryCall(EchoMethods.UnaryEcho, new EchoRequest { Message = "hi" }, Timeout())).Message);

        using var stream = channel.ServerStreamingCall(EchoMethods.ServerStream, new EchoRequest { Count = 20 }, Timeout());
        Assert.Equal(Enumerable.Range(0, 20), await stream.ResponseStream.ReadAllAsync().Select(r => r.Index).ToListAsync());

        using var upload = channel.ClientStreamingCall(EchoMethods.ClientStream, Timeout());
        foreach (var text in new[] { "a", "b" })
        {
            await upload.RequestStream.WriteAsync(new EchoRequest { Message = text });
        }

        await upload.RequestStream.CompleteAsync();
        Assert.Equal("a,b", (await upload).Message);

        using var bidi = channel.DuplexStreamingCall(EchoMethods.BidiEcho, Timeout());
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
                await peer.Channel.UnaryCall(EchoMethods.ReturnStatus, new StatusRequest { Code = code, Message = text }, Timeout()));

            Assert.Equal((StatusCode)code, ex.StatusCode);
            Assert.Equal(text, ex.Status.Detail);
            Assert.Equal(new byte[] { 0, 1, 2, 255 }, ex.Trailers.GetValueBytes("x-error-bin"));
        }
    }

    [Fact]
    public async Task NotBound_OnGrpcio_Unimplemented()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await peer.Channel.UnaryCall(EchoMethods.NotBound, new Empty(), Timeout()));

        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
    }

    [Fact]
    public async Task Sleep_DeadlineAndCancellation_ReachGrpcio()
    {
        var deadline = await Assert.ThrowsAsync<RpcException>(async () =>
            await peer.Channel.UnaryCall(EchoMethods.Sleep, new SleepRequest { Milliseconds = 10_000 },
                CallOptions.Default.WithTimeout(TimeSpan.FromMilliseconds(300))));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var cancelled = await Assert.ThrowsAsync<RpcException>(async () =>
            await peer.Channel.UnaryCall(EchoMethods.Sleep, new SleepRequest { Milliseconds = 10_000 },
                Timeout() with { CancellationToken = cts.Token }));

        Assert.Equal(StatusCode.DeadlineExceeded, deadline.StatusCode);
        Assert.Equal(StatusCode.Cancelled, cancelled.StatusCode);
        await peer.Process.WaitForLineAsync("CANCELLED sleep", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task EchoMetadata_TextAndBinary_RoundTripThroughGrpcio()
    {
        var binary = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        using var call = peer.Channel.UnaryCall(EchoMethods.EchoMetadata, new Empty(),
            Timeout() with { Headers = new Metadata().Add("x-text", "hello").Add("x-data-bin", binary) });

        await call;

        Assert.Equal("hello", (await call.ResponseHeadersAsync).GetValue("x-text"));
        Assert.Equal(binary, call.GetTrailers().GetValueBytes("x-data-bin"));
    }

    [Fact]
    public async Task UnaryEcho_FourMegabytesGzip_RoundTrips()
    {
        var payload = ByteString.CopyFrom(Enumerable.Range(0, 4 * 1024 * 1024).Select(i => (byte)(i % 251)).ToArray());

        var plain = await peer.Channel.UnaryCall(EchoMethods.UnaryEcho, new EchoRequest { Payload = payload }, Timeout(30));
        var gzip = await peer.Channel.UnaryCall(EchoMethods.UnaryEcho, new EchoRequest { Payload = payload },
            Timeout(30) with { WriteCompression = "gzip" });

        Assert.Equal(payload, plain.Payload);
        Assert.Equal(payload, gzip.Payload);
    }

    [Fact]
    public async Task HealthCheck_OnGrpcio_Serving()
    {
        var check = Method<HealthCheckRequest, HealthCheckResponse>.Create(HealthReflection.Descriptor.Services[0], "Check");

        var response = await peer.Channel.UnaryCall(check, new HealthCheckRequest(), Timeout());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }
}
