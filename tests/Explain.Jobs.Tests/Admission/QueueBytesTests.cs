using Explain.Jobs.Tests.Api;
using Explain.Jobs.Tests.Support;
using Google.Rpc;
using Grpc.Core;

namespace Explain.Jobs.Tests.Admission;

/// <summary>The job queue is bounded in bytes as well as in jobs.</summary>
public sealed class QueueBytesTests(QueueBytesServeFixture server) : IClassFixture<QueueBytesServeFixture>
{
    [Fact]
    public async Task Submit_QueueBytesFull_ResourceExhaustedAndBoundKept()
    {
        var request = Requests.Image("both.png", RepoPaths.SmallModel, "gradcam"); // ~90 kB a job
        for (int i = 0; i < 3; i++)
            await server.Client.SubmitAsync(request);

        var ex = await Assert.ThrowsAsync<RpcException>(() => server.Client.SubmitAsync(request));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Equal("queue_full", RichStatusTests.Detail<ErrorInfo>(ex.GetRpcStatus()!).Reason);
        Assert.Contains("bytes", ex.Status.Detail);
        Assert.Equal(3, server.Transport.Jobs.ReadyCount); // far below the 10 000 jobs bound: the bytes refused it
        Assert.InRange(server.Transport.Jobs.ReadyBytes, 3 * 90_000, QueueBytesServeFixture.MaxBytes);
    }
}
