using Explain.Grpc.Tests.Support;
using Explain.Testing.V1;
using Google.Protobuf;

namespace Explain.Grpc.Tests.EndToEnd;

public sealed class CallTypeTests : ServerFixture
{
    [Fact]
    public async Task UnaryEcho_Message_ReturnsItWithOkStatus()
    {
        using var call = Channel.UnaryCall(EchoMethods.UnaryEcho, new EchoRequest { Message = "hello" }, Timeout());

        var response = await call;

        Assert.Equal("hello", response.Message);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task ServerStream_Count_ReturnsEveryMessageInOrder()
    {
        using var call = Channel.ServerStreamingCall(EchoMethods.ServerStream, new EchoRequest { Message = "s", Count = 50 }, Timeout());

        var indexes = new List<int>();
        await foreach (var response in call.ResponseStream.ReadAllAsync())
        {
            indexes.Add(response.Index);
        }

        Assert.Equal(Enumerable.Range(0, 50), indexes);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task ServerStream_BufferedWrites_EveryMessageInOrderUnflushedTailDeliveredAtTheEnd()
    {
        using var call = Channel.ServerStreamingCall(EchoMethods.ServerStream, new EchoRequest { Message = "b", Count = 50, FlushEvery = 7 }, Timeout());

        var indexes = new List<int>();
        await foreach (var response in call.ResponseStream.ReadAllAsync())
        {
            indexes.Add(response.Index);
        }

        Assert.Equal(Enumerable.Range(0, 50), indexes); // 49 (the 50th) was never flushed by the handler
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task ServerStream_ZeroCount_EndsWithOkAndNoMessages()
    {
        using var call = Channel.ServerStreamingCall(EchoMethods.ServerStream, new EchoRequest { Count = 0 }, Timeout());

        Assert.False(await call.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task ClientStream_ThreeMessages_ReturnsThemJoined()
    {
        using var call = Channel.ClientStreamingCall(EchoMethods.ClientStream, Timeout());

        foreach (var text in new[] { "a", "b", "c" })
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Message = text, Payload = ByteString.CopyFrom(new byte[10]) });
        }

        await call.RequestStream.CompleteAsync();
        var response = await call;

        Assert.Equal("a,b,c", response.Message);
        Assert.Equal(3, response.Index);
        Assert.Equal("30", response.Payload.ToStringUtf8());
    }

    [Fact]
    public async Task BidiEcho_PingPong_EachRequestAnsweredBeforeTheNext()
    {
        using var call = Channel.DuplexStreamingCall(EchoMethods.BidiEcho, Timeout());

        for (var i = 0; i < 5; i++)
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Message = $"m{i}" });
            Assert.True(await call.ResponseStream.MoveNext());
            Assert.Equal($"m{i}", call.ResponseStream.Current.Message);
            Assert.Equal(i, call.ResponseStream.Current.Index);
        }

        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Theory]
    [InlineData(4 * 1024 * 1024)]
    [InlineData(0)]
    public async Task UnaryEcho_LargeOrEmptyPayload_RoundTrips(int size)
    {
        var payload = ByteString.CopyFrom(Enumerable.Range(0, size).Select(i => (byte)i).ToArray());

        var response = await Channel.UnaryCall(EchoMethods.UnaryEcho, new EchoRequest { Payload = payload }, Timeout(30));

        Assert.Equal(payload, response.Payload);
    }

    [Fact]
    public async Task UnaryEcho_ManyConcurrentCalls_AllSucceedOnOneChannel()
    {
        var calls = Enumerable.Range(0, 100).Select(async i =>
            (await Channel.UnaryCall(EchoMethods.UnaryEcho, new EchoRequest { Message = $"{i}" }, Timeout())).Message);

        var results = await Task.WhenAll(calls);

        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"{i}"), results);
    }

    [Fact]
    public async Task ClientStream_FortyMegabytesInTotal_PassesKestrelBodyLimit()
    {
        using var call = Channel.ClientStreamingCall(EchoMethods.ClientStream, Timeout(60));
        var chunk = ByteString.CopyFrom(new byte[1024 * 1024]);

        for (var i = 0; i < 40; i++)
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Message = "c", Payload = chunk });
        }

        await call.RequestStream.CompleteAsync();

        Assert.Equal((40 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture), (await call).Payload.ToStringUtf8());
    }
}
