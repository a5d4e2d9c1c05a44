using Explain.Jobs.Tests.Support;
using Google.Rpc;
using Grpc.Core;

namespace Explain.Jobs.Tests.Api;

/// <summary>A full queue is RESOURCE_EXHAUSTED with QuotaFailure and RetryInfo, decided before anything runs.</summary>
public sealed class QueueFullStatusTests(QueueFullServeFixture server) : IClassFixture<QueueFullServeFixture>
{
    [Fact]
    public async Task Submit_QueueFull_QuotaFailureAndRetryInfo()
    {
        await server.Client.SubmitAsync(Requests.Image("both.png", RepoPaths.SmallModel, "gradcam"));

        var ex = await Assert.ThrowsAsync<RpcException>(() => server.Client.SubmitAsync(Requests.Image("both.png", RepoPaths.SmallModel, "gradcam")));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        var status = ex.GetRpcStatus()!;
        Assert.Equal("explain.jobs queue", Assert.Single(RichStatusTests.Detail<QuotaFailure>(status).Violations).Subject);
        var retry = RichStatusTests.Detail<RetryInfo>(status).RetryDelay.ToTimeSpan();
        Assert.InRange(retry, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1));
        Assert.Equal("queue_full", RichStatusTests.Detail<ErrorInfo>(status).Reason);
    }
}
