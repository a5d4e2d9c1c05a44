using Explain.Grpc.Client;
using Explain.Grpc.Server;
using Explain.Grpc.Tests.Support;
using Explain.Testing.V1;
using Google.Protobuf;

namespace Explain.Grpc.Tests.EndToEnd;

public sealed class LimitTests : ServerFixture
{
    protected override void ConfigureServer(GrpcServerOptions options)
    {
        options.MaxReceiveMessageSize = 1024;
        options.MaxSendMessageSize = 2048;
    }

    protected override void ConfigureChannel(GrpcChannelOptions options) => options.MaxReceiveMessageSize = 1500;

    [Fact]
    public async Task UnaryEcho_RequestOverServerLimit_ResourceExhausted()
    {
        var request = new EchoRequest { Payload = ByteString.CopyFrom(new byte[2000]), ResponseSize = 10 };

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await Channel.UnaryCall(EchoMethods.UnaryEcho, request, Timeout()));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task UnaryEcho_GzipRequestInflatingOverLimit_ResourceExhausted()
    {
        var request = new EchoRequest { Payload = ByteString.CopyFrom(new byte[100_000]), ResponseSize = 10 };

        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await Channel.UnaryCall(EchoMethods.UnaryEcho, request, Timeout() with { WriteCompression = "gzip" }));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task UnaryEcho_ResponseOverServerSendLimit_ResourceExhausted()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await Channel.UnaryCall(EchoMethods.UnaryEcho, new EchoRequest { ResponseSize = 3000 }, Timeout()));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task UnaryEcho_ResponseOverClientReceiveLimit_ResourceExhausted()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await Channel.UnaryCall(EchoMethods.UnaryEcho, new EchoRequest { ResponseSize = 1800 }, Timeout()));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task UnaryEcho_RequestOverClientSendLimit_ResourceExhaustedBeforeSending()
    {
        using var channel = GrpcChannel.ForAddress(Server.Address, new GrpcChannelOptions { MaxSendMessageSize = 10 });

        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await channel.UnaryCall(EchoMethods.UnaryEcho, new EchoRequest { Message = new string('x', 100) }, Timeout()));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task ClientStream_ServerRejectsMidStream_WritesAndResponseFailWithServerStatus()
    {
        using var call = Channel.ClientStreamingCall(EchoMethods.ClientStream, Timeout());
        await call.RequestStream.WriteAsync(new EchoRequest { Payload = ByteString.CopyFrom(new byte[2000]) });

        var response = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        var write = await Assert.ThrowsAsync<RpcException>(() =>
            call.RequestStream.WriteAsync(new EchoRequest { Message = "late" }));

        Assert.Equal(StatusCode.ResourceExhausted, response.StatusCode);
        Assert.Equal(StatusCode.ResourceExhausted, write.StatusCode);
    }
}
