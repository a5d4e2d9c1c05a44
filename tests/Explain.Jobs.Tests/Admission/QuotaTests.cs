using Explain.Jobs.Admission;
using Explain.Jobs.Models;
using Explain.Jobs.Tests.Api;
using Explain.Jobs.Tests.Support;
using Explain.V1;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Explain.Jobs.Tests.Admission;

/// <summary>Cost admission and the tenant token bucket on a real host (ingestion + results, nothing runs the jobs).</summary>
public sealed class QuotaTests(QuotaServeFixture server) : IClassFixture<QuotaServeFixture>
{
    [Fact]
    public async Task Submit_CostBomb_RefusedBeforeQueueingWithQuotaFailure()
    {
        var bomb = Requests.Image("both.png", RepoPaths.SmallModel, ["gradcam", "gradcam++", "xgradcam", "hirescam", "layercam", "gradcam-elementwise", "eigencam", "eigengradcam", "scorecam", "ablationcam", "integrated-gradcam", "groupcam", "guided-backprop", "guided-gradcam"]);
        bomb.Targets = new Targets();
        bomb.Targets.Classes.AddRange(Enumerable.Range(1, 16));
        Assert.Equal(14, bomb.Methods.Count);
        int ready = server.Transport.Jobs.ReadyCount, events = server.Transport.Events.Count;

        var ex = await Assert.ThrowsAsync<RpcException>(() => server.For("alpha").SubmitAsync(bomb));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        var status = ex.GetRpcStatus()!;
        Assert.Equal("job_cost_over_limit", RichStatusTests.Detail<ErrorInfo>(status).Reason);
        var violation = Assert.Single(RichStatusTests.Detail<QuotaFailure>(status).Violations);
        Assert.Equal("tenant:alpha", violation.Subject);
        Assert.Contains("per-request maximum", violation.Description);
        Assert.DoesNotContain(status.Details, d => d.Is(RetryInfo.Descriptor)); // waiting never helps
        Assert.Equal(ready, server.Transport.Jobs.ReadyCount);
        Assert.Equal(events, server.Transport.Events.Count);
    }

    [Fact]
    public async Task Submit_TenantOverRate_RetryInfoThenAcceptedAfterWaiting()
    {
        // Score-CAM on the small model: 256 masked forward passes, ~7 GFLOP of the bucket's 10.
        var request = Requests.Image("both.png", RepoPaths.SmallModel, "scorecam");
        var entry = server.Host.Services.GetRequiredService<ModelCatalog>().Get(RepoPaths.SmallModel);
        double cost = server.Host.Services.GetRequiredService<AdmissionControl>().Estimate(request, entry);
        Assert.InRange(cost, 5.5, 10);
        var client = server.For("rate");
        await client.SubmitAsync(request);

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.SubmitAsync(request));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        var status = ex.GetRpcStatus()!;
        Assert.Equal("tenant_rate", RichStatusTests.Detail<ErrorInfo>(status).Reason);
        Assert.Equal("tenant:rate", Assert.Single(RichStatusTests.Detail<QuotaFailure>(status).Violations).Subject);
        var retry = RichStatusTests.Detail<RetryInfo>(status).RetryDelay.ToTimeSpan();
        // The bucket held 10 − cost and refills at 2 GFLOP/s: it holds the cost again (2·cost − 10)/2 s after the first take.
        double expected = (2 * cost - QuotaServeFixture.QuotaLimits.TenantBurstGflop) / QuotaServeFixture.QuotaLimits.TenantGflopPerSecond;
        Assert.InRange(retry.TotalSeconds, expected - 1, expected + 0.01);
        // Another tenant's bucket is its own.
        await server.For("other-tenant").SubmitAsync(request);

        await Task.Delay(retry + TimeSpan.FromMilliseconds(50));
        var ticket = await client.SubmitAsync(request);

        Assert.Equal(JobState.Queued, ticket.State);
    }
}
