using Explain.Api;
using Explain.Jobs.Tests.Api;
using Explain.Jobs.Tests.Support;
using Explain.V1;
using Google.Rpc;
using Grpc.Core;

namespace Explain.Jobs.Tests.Admission;

/// <summary>Per-tenant concurrency (counted from QUEUED to the terminal event), merged duplicates, the default deadline and the tenant metric label, on the whole suite.</summary>
public sealed class TenantLimitsTests(TenantLimitsServeFixture server) : IClassFixture<TenantLimitsServeFixture>
{
    [Fact]
    public async Task Submit_TenantAtConcurrencyLimit_RefusedUntilOneOfItsJobsEnds()
    {
        var alpha = server.For("alpha");
        var first = await alpha.SubmitAsync(Requests.Slow());
        var second = await alpha.SubmitAsync(Requests.Slow());

        var ex = await Assert.ThrowsAsync<RpcException>(() => alpha.SubmitAsync(Requests.Image()));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        var status = ex.GetRpcStatus()!;
        Assert.Equal("tenant_concurrency", RichStatusTests.Detail<ErrorInfo>(status).Reason);
        var violation = Assert.Single(RichStatusTests.Detail<QuotaFailure>(status).Violations);
        Assert.Equal("tenant:alpha", violation.Subject);
        Assert.Contains("concurrent jobs", violation.Description);
        Assert.True(RichStatusTests.Detail<RetryInfo>(status).RetryDelay.ToTimeSpan() > TimeSpan.Zero);
        // Another tenant is not held back by alpha's jobs.
        var beta = await server.For("beta").SubmitAsync(Requests.Image());
        Assert.Equal(JobState.Queued, beta.State);

        await alpha.CancelAsync(second.JobId);
        var ended = await alpha.WatchAllAsync(second.JobId);
        Assert.True(JobEvents.IsTerminal(ended[^1]));
        var third = await alpha.SubmitAsync(Requests.Image());

        Assert.Equal(JobState.Queued, third.State);
        await alpha.CancelAsync(first.JobId);
        await alpha.WatchAllAsync(first.JobId);
        await alpha.WatchAllAsync(third.JobId);
        await server.For("beta").WatchAllAsync(beta.JobId);
    }

    [Fact]
    public async Task Submit_DuplicateMethodsAndClasses_RunOnceTicketValid()
    {
        var request = Requests.Image("both.png", RepoPaths.SmallModel, "gradcam", "layercam", "gradcam", "gradcam");
        request.Targets = new Targets { Classes = { 281, 243, 281 } };

        var ticket = await server.For("beta").SubmitAsync(request);
        var events = await server.For("beta").WatchAllAsync(ticket.JobId);

        Assert.Matches("^[0-9a-f]{32}$", ticket.JobId);
        Assert.Equal(["gradcam", "layercam"], events[0].Queued.Methods);
        var heatmaps = events.Where(e => e.KindCase == JobEvent.KindOneofCase.Heatmap).Select(e => (e.Heatmap.Method, e.Heatmap.ClassIndex)).ToList();
        Assert.Equal(4, heatmaps.Count); // 2 methods × 2 classes, each once
        Assert.Equal(heatmaps.Count, heatmaps.Distinct().Count());
        Assert.Equal(4, events[^1].Completed.Heatmaps);
    }

    [Fact]
    public async Task Submit_NoDeadline_QueuedCarriesTheDefaultDeadline()
    {
        long before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var ticket = await server.For("beta").SubmitAsync(Requests.Image());
        var events = await server.For("beta").WatchAllAsync(ticket.JobId);

        long expected = ticket.SubmittedUnixMs + (long)JobLimits.Default.DefaultJobDeadline.TotalMilliseconds;
        Assert.Equal(expected, events[0].Queued.DeadlineUnixMs);
        Assert.True(events[0].Queued.DeadlineUnixMs > before);
        Assert.Equal(JobEvent.KindOneofCase.Completed, events[^1].KindCase);
    }

    [Fact]
    public async Task Metrics_ThirdTenant_LabelledOther()
    {
        foreach (var tenant in new[] { "alpha", "beta", "gamma" })
        {
            var ticket = await server.For(tenant).SubmitAsync(Requests.Image());
            await server.For(tenant).WatchAllAsync(ticket.JobId);
        }
        using var http = new HttpClient();

        string text = await http.GetStringAsync($"http://127.0.0.1:{server.HttpPort}/metrics");

        var submitted = text.Split('\n').Where(l => l.StartsWith("explain_jobs_submitted_total{", StringComparison.Ordinal)).ToList();
        var completed = text.Split('\n').Where(l => l.StartsWith("explain_jobs_completed_total{", StringComparison.Ordinal)).ToList();
        foreach (var series in new[] { submitted, completed })
        {
            Assert.Contains(series, l => l.Contains("tenant=\"other\""));
            Assert.DoesNotContain(series, l => l.Contains("tenant=\"gamma\""));
            Assert.Contains(series, l => l.Contains("tenant=\"beta\""));
        }
        var tenants = submitted.Select(l => System.Text.RegularExpressions.Regex.Match(l, "tenant=\"([^\"]*)\"").Groups[1].Value).Distinct().ToList();
        Assert.Equal(3, tenants.Count); // two named, then "other"
    }
}
