using Explain.Jobs.Results;
using Explain.Jobs.Tests.Support;
using Explain.V1;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Kind = Explain.V1.JobEvent.KindOneofCase;

namespace Explain.Jobs.Tests.Broker;

/// <summary>
/// Issue 12 part 5 through the real broker (workers in their own processes): the results index
/// holds a big job's heatmaps as offsets into the events stream and reads them back for Get and
/// Watch, also after a restart; a Watch client that reads nothing is ended RESOURCE_EXHAUSTED;
/// a results replica that keeps fewer jobs answers NOT_FOUND for the older ones.
/// </summary>
[Trait("Category", "Broker")]
public sealed class BrokerMemoryTests(SuiteFixture suite) : IClassFixture<SuiteFixture>
{
    [Fact]
    public async Task BigPhotoTopK20_IndexKeepsOffsets_GetAndWatchReadTheStream_AlsoAfterRestart()
    {
        var ticket = await suite.Ingestion.Client.SubmitAsync(BigPhoto.Request());
        var watched = await suite.Results.Client.WatchAllAsync(ticket.JobId, timeoutSeconds: 600);
        var record = suite.Results.Services.GetRequiredService<ResultsIndex>().Find(ticket.JobId)!;
        var got = await suite.Results.Client.GetAsync(ticket.JobId);

        await using var restarted = await InProcessService.ResultsAsync(suite.Broker.Uri);
        var replayed = await restarted.Client.WatchAllAsync(ticket.JobId);
        var replayedRecord = restarted.Services.GetRequiredService<ResultsIndex>().Find(ticket.JobId)!;

        Assert.Equal(Kind.Completed, watched[^1].KindCase);
        Assert.Equal(BigPhoto.TopK, watched.Count(e => e.KindCase == Kind.Heatmap));
        Assert.Equal(watched, got.Events);
        Assert.Equal(watched, replayed);
        foreach (var r in new[] { record, replayedRecord })
        {
            Assert.Equal(BigPhoto.TopK, r.After(0).Events.Count(e => e.IsReference));
            Assert.True(r.InlineBytesHeld < 64 << 10, $"the index holds {r.InlineBytesHeld} bytes of the job whole");
        }
    }

    [Fact]
    public async Task Watch_ClientReadsNothing_EndedResourceExhausted_ResumeGetsTheRest()
    {
        var stall = TimeSpan.FromSeconds(2);
        var ticket = await suite.Ingestion.Client.SubmitAsync(BigPhoto.Request(topK: 8));
        int total = (await suite.Results.Client.WatchAllAsync(ticket.JobId, timeoutSeconds: 600)).Count;
        await using var results = await InProcessService.ResultsAsync(suite.Broker.Uri, Options() with { WatchStallTimeout = stall, WatchBufferBytes = 2L << 20 });

        using var call = new Explain.V1.Results.ResultsClient(results.Channel).Watch(new WatchRequest { JobId = ticket.JobId });
        await Task.Delay(stall * 1.5); // reads nothing for longer than the stall timeout
        var first = new List<JobEvent>();
        var ended = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
                first.Add(call.ResponseStream.Current);
        });
        var rest = await results.Client.WatchAllAsync(ticket.JobId, first.Count);

        Assert.True(ended.StatusCode == StatusCode.ResourceExhausted && ended.Status.Detail.Contains($"after_sequence={first.Count}", StringComparison.Ordinal), ended.Status.ToString());
        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), first.Concat(rest).Select(e => e.Sequence));
    }

    [Fact]
    public async Task ReplicaKeepingOneJob_ReplaysTheStream_OlderJobNotFound_NewestServed()
    {
        var older = await suite.Ingestion.Client.SubmitAsync(Requests.Image());
        await suite.Results.Client.WatchAllAsync(older.JobId);
        var newest = await suite.Ingestion.Client.SubmitAsync(Requests.Image());
        await suite.Results.Client.WatchAllAsync(newest.JobId);

        await using var replica = await InProcessService.ResultsAsync(suite.Broker.Uri, Options() with { MaxRetainedJobs = 1, WatchGrace = TimeSpan.FromSeconds(1) });
        // The replica replays the whole stream first (the class's big-photo jobs put tens of MB on it); the
        // short grace is for the refused lookup, so let the replay reach the newest job and end before asking
        // (while it replays, an unknown job is UNAVAILABLE: ResultsReplayTests).
        var index = replica.Services.GetRequiredService<ResultsIndex>();
        var replayed = System.Diagnostics.Stopwatch.StartNew();
        while ((index.Find(newest.JobId) is null || index.Replaying) && replayed.Elapsed < TimeSpan.FromSeconds(60))
            await Task.Delay(20);
        var served = await replica.Client.WatchAllAsync(newest.JobId);
        var refused = await Assert.ThrowsAsync<RpcException>(() => replica.Client.GetAsync(older.JobId));

        Assert.Equal(Kind.Completed, served[^1].KindCase);
        Assert.Equal(StatusCode.NotFound, refused.StatusCode);
        Assert.Equal(1, index.Count);
    }

    private JobsOptions Options() => new Hosting.HostArguments(0, null, suite.Broker.Uri, RepoPaths.ModelStore, 1).ToJobsOptions();
}
