using Explain.Grpc.Client;
using Explain.Grpc.Tests.Support;
using Explain.Testing.V1;

namespace Explain.Grpc.Tests.EndToEnd;

public sealed class DeadlineTests : ServerFixture
{
    [Fact]
    public async Task Sleep_LongerThanDeadline_DeadlineExceededAndHandlerCancelled()
    {
        var options = CallOptions.Default.WithTimeout(TimeSpan.FromMilliseconds(200));

        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await Channel.UnaryCall(EchoMethods.Sleep, new SleepRequest { Milliseconds = 10_000 }, options));

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        if (Server.Echo.SleepStarted.Task.IsCompleted)
        {
            // Under load the deadline can pass before the handler starts; when it did start, it must be cancelled.
            await Server.Echo.SleepCancelled.Task.WaitAsync(TimeSpan.FromSeconds(5));
        }
    }

    [Fact]
    public async Task Sleep_ShorterThanDeadline_Succeeds()
    {
        var response = await Channel.UnaryCall(EchoMethods.Sleep, new SleepRequest { Milliseconds = 10 }, Timeout());

        Assert.NotNull(response);
    }

    [Fact]
    public async Task Sleep_CallerCancels_CancelledAndHandlerSeesRstStream()
    {
        using var cts = new CancellationTokenSource();
        using var call = Channel.UnaryCall(EchoMethods.Sleep, new SleepRequest { Milliseconds = 10_000 },
            CallOptions.Default with { CancellationToken = cts.Token });
        await Server.Echo.SleepStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));

        await cts.CancelAsync();
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
        await Server.Echo.SleepCancelled.Task.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task UnaryCall_DeadlineAlreadyPassed_FailsWithoutWaiting()
    {
        var options = CallOptions.Default with { Deadline = DateTime.UtcNow.AddSeconds(-1) };

        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await Channel.UnaryCall(EchoMethods.UnaryEcho, new EchoRequest(), options));

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
    }

    [Fact]
    public async Task ServerStream_DisposedMidStream_HandlerStops()
    {
        var call = Channel.ServerStreamingCall(EchoMethods.ServerStream, new EchoRequest { Count = 1_000_000 }, Timeout());
        Assert.True(await call.ResponseStream.MoveNext());

        call.Dispose();

        Assert.Equal(StatusCode.Cancelled, call.GetStatus().StatusCode);
    }

    [Theory]
    [InlineData("100m")]
    [InlineData("100000u")]
    [InlineData("99999999n")]
    public async Task Sleep_ServerSideTimeoutHeader_ServerAnswersDeadlineExceeded(string timeout)
    {
        using var http = RawGrpc.CreateClient();
        using var request = RawGrpc.Request(Server.Address, "/explain.testing.v1.Echo/Sleep", new SleepRequest { Milliseconds = 10_000 });
        request.Headers.TryAddWithoutValidation("grpc-timeout", timeout);

        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();

        Assert.Equal("4", RawGrpc.Status(response));
    }

    [Fact]
    public async Task Sleep_HandlerIgnoresToken_ServerStillEndsCallAtDeadline()
    {
        using var http = RawGrpc.CreateClient();
        using var request = RawGrpc.Request(Server.Address, "/explain.testing.v1.Echo/Sleep",
            new SleepRequest { Milliseconds = 3_000, IgnoreCancellation = true });
        request.Headers.TryAddWithoutValidation("grpc-timeout", "200m");
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();

        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();

        Assert.Equal("4", RawGrpc.Status(response));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromMilliseconds(2_500), $"Call ended after {stopwatch.Elapsed}.");
    }
}
