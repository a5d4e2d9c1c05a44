using Explain.Grpc.Client;
using Explain.Grpc.Tests.Support;
using Explain.Testing.V1;

namespace Explain.Grpc.Tests.EndToEnd;

public sealed class MetadataTests : ServerFixture
{
    [Fact]
    public async Task EchoMetadata_TextAndBinary_ComeBackAsHeadersAndTrailers()
    {
        var binary = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var headers = new Metadata().Add("x-text", "hello world").Add("x-data-bin", binary).Add("other", "ignored");
        using var call = Channel.UnaryCall(EchoMethods.EchoMetadata, new Empty(), Timeout() with { Headers = headers });

        await call;
        var responseHeaders = await call.ResponseHeadersAsync;

        Assert.Equal("hello world", responseHeaders.GetValue("x-text"));
        Assert.Null(responseHeaders.GetValue("other"));
        Assert.Equal(binary, call.GetTrailers().GetValueBytes("x-data-bin"));
    }

    [Fact]
    public async Task EchoMetadata_RepeatedKey_KeepsAllValues()
    {
        var headers = new Metadata().Add("x-multi-bin", [1]).Add("x-multi-bin", [2, 3]);
        using var call = Channel.UnaryCall(EchoMethods.EchoMetadata, new Empty(), Timeout() with { Headers = headers });

        await call;

        Assert.Equal(new[] { new byte[] { 1 }, new byte[] { 2, 3 } }, call.GetTrailers().GetAll("x-multi-bin").Select(e => e.ValueBytes));
    }

    [Fact]
    public async Task ResponseHeadersAsync_ServerStreaming_AvailableBeforeMessages()
    {
        using var call = Channel.ServerStreamingCall(EchoMethods.ServerStream, new EchoRequest { Count = 1 }, Timeout());

        var headers = await call.ResponseHeadersAsync;

        Assert.NotNull(headers);
        Assert.True(await call.ResponseStream.MoveNext());
    }
}
