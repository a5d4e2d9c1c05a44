using Explain.Grpc.Client;
using Explain.Grpc.Server;
using Explain.Grpc.Tests.Support;
using Explain.Testing.V1;

namespace Explain.Grpc.Tests.EndToEnd;

public sealed class InterceptorTests : ServerFixture
{
    private readonly FlakyAuthInterceptor _serverInterceptor = new();
    private readonly TokenInterceptor _clientInterceptor = new();
    private readonly ShortCircuitInterceptor _wrapper = new();

    protected override void ConfigureServer(GrpcServerOptions options) => options.Interceptors.Add(_serverInterceptor);

    protected override void ConfigureChannel(GrpcChannelOptions options)
    {
        options.Interceptors.Add(_clientInterceptor);
        options.Interceptors.Add(_wrapper);
        options.InitialBackoff = TimeSpan.FromMilliseconds(10);
        options.KeepAlivePingDelay = TimeSpan.FromSeconds(1);
    }

    [Fact]
    public async Task UnaryEcho_ClientAddsToken_ServerInterceptorAccepts()
    {
        var response = await Channel.UnaryCall(EchoMethods.UnaryEcho, new EchoRequest { Message = "ok" }, Timeout());

        Assert.Equal("OK", response.Message); // upper-cased by the wrapping interceptor
        Assert.Contains(StatusCode.OK, _clientInterceptor.Completed);
    }

    [Fact]
    public async Task UnaryEcho_NoToken_Unauthenticated()
    {
        _clientInterceptor.Enabled = false;

        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await Channel.UnaryCall(EchoMethods.UnaryEcho, new EchoRequest(), Timeout()));

        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
    }

    [Fact]
    public async Task UnaryEcho_IdempotentAndServerUnavailableTwice_RetriedToSuccess()
    {
        _serverInterceptor.FailuresLeft = 2;

        var response = await Channel.UnaryCall(EchoMethods.UnaryEcho, new EchoRequest { Message = "again" }, Timeout() with { IsIdempotent = true });

        Assert.Equal("AGAIN", response.Message);
        Assert.Equal(3, _serverInterceptor.Calls);
        Assert.Equal(3, _wrapper.Attempts); // interceptors wrap each attempt
    }

    [Fact]
    public async Task UnaryEcho_NotIdempotentAndServerUnavailable_NotRetried()
    {
        _serverInterceptor.FailuresLeft = 1;

        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await Channel.UnaryCall(EchoMethods.UnaryEcho, new EchoRequest(), Timeout()));

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        Assert.Equal(1, _serverInterceptor.Calls);
    }

    [Fact]
    public async Task ServerStream_ThroughInterceptors_Completes()
    {
        using var call = Channel.ServerStreamingCall(EchoMethods.ServerStream, new EchoRequest { Count = 2 }, Timeout());

        Assert.Equal(2, await call.ResponseStream.ReadAllAsync().CountAsync());
        Assert.Equal(2, _serverInterceptor.StreamedMessages);
    }

    [Fact]
    public async Task UnaryEcho_InterceptorAnswersItself_NoServerCallAndOkStatus()
    {
        using var call = Channel.UnaryCall(EchoMethods.UnaryEcho, new EchoRequest { Message = "cached" }, Timeout());

        var response = await call;

        Assert.Equal("from cache", response.Message);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        Assert.Empty(await call.ResponseHeadersAsync);
        Assert.Equal(0, _serverInterceptor.Calls);
    }
}
