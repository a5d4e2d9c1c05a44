using Explain.Grpc.Tests.Support;
using Explain.Testing.V1;

namespace Explain.Grpc.Tests.EndToEnd;

public sealed class StatusTests : ServerFixture
{
    public static TheoryData<int> ErrorCodes()
    {
        var data = new TheoryData<int>();
        for (var code = 1; code <= 16; code++)
        {
            data.Add(code);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ErrorCodes))]
    public async Task ReturnStatus_EveryErrorCode_ClientSeesCodeMessageAndTrailers(int code)
    {
        var message = $"failed 100% \u2603 code {code}\n";

        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await Channel.UnaryCall(EchoMethods.ReturnStatus, new StatusRequest { Code = code, Message = message }, Timeout()));

        Assert.Equal((StatusCode)code, ex.StatusCode);
        Assert.Equal(message, ex.Status.Detail);
        Assert.Equal("detail", ex.Trailers.GetValue("x-error-detail"));
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, ex.Trailers.GetValueBytes("x-error-bin"));
    }

    [Fact]
    public async Task ReturnStatus_Ok_ReturnsEmptyMessage()
    {
        var response = await Channel.UnaryCall(EchoMethods.ReturnStatus, new StatusRequest { Code = 0 }, Timeout());

        Assert.NotNull(response);
    }

    [Fact]
    public async Task ReturnStatus_HandlerThrowsPlainException_IsUnknownWithoutDetails()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await Channel.UnaryCall(EchoMethods.ReturnStatus, new StatusRequest { Code = 100 }, Timeout()));

        Assert.Equal(StatusCode.Unknown, ex.StatusCode);
        Assert.DoesNotContain("handler bug", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotBound_DeclaredButUnbound_IsUnimplemented()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await Channel.UnaryCall(EchoMethods.NotBound, new Empty(), Timeout()));

        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
    }

    [Fact]
    public async Task ServerStream_ReadToEnd_MessagesThenOkStatus()
    {
        using var call = Channel.ServerStreamingCall(EchoMethods.ServerStream, new EchoRequest { Count = 3 }, Timeout());
        var count = 0;
        while (await call.ResponseStream.MoveNext())
        {
            count++;
        }

        Assert.Equal(3, count);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task UnaryCall_NoServerListening_IsUnavailable()
    {
        using var channel = Client.GrpcChannel.ForAddress("http://127.0.0.1:1");

        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await channel.UnaryCall(EchoMethods.UnaryEcho, new EchoRequest(), Timeout()));

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
    }
}
