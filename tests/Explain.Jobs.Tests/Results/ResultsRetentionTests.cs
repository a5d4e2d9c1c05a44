using System.Diagnostics.Metrics;
using Explain.Jobs.Results;
using Explain.Messaging;
using Explain.V1;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;

namespace Explain.Jobs.Tests.Results;

/// <summary>The index over a real in-memory transport: heavy events kept as offsets, retention by bytes and age.</summary>
public sealed class ResultsRetentionTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly ManualClock _clock = new(DateTimeOffset.UtcNow);

    [Fact]
    public async Task Apply_HeatmapOverInlineBytes_KeptAsOffset_ReadBackWholeAndRenumbered()
    {
        await using var transport = new InMemoryTransport();
        var index = Index(transport, new JobsOptions { ModelStore = "." });
        string job = JobIds.New();
        await PublishAsync(transport, Queued(job), EventSequences.Queued);
        await PublishAsync(transport, Heatmap(job, 100_000), EventSequences.FirstWorkerEvent);
        await PublishAsync(transport, EventCodec.Cancelled(job, "by test"), EventSequences.Terminal);
        FeedAll(transport, index);

        var stored = index.Find(job)!.After(0).Events;
        var events = await index.ReadAllAsync(index.Find(job)!, CancellationToken.None);

        Assert.Equal([false, true, false], stored.Select(e => e.IsReference));
        Assert.True(index.InlineBytes < 1000, $"{index.InlineBytes} bytes held whole");
        Assert.Equal([1L, 2, 3], events.Select(e => e.Sequence));
        Assert.Equal(100_000, events[1].Heatmap.Map.Count);
        Assert.Equal(7f, events[1].Heatmap.Map[99_999]);
    }

    [Fact]
    public async Task Apply_OverRetentionBytes_OldestJobsForgottenFirst()
    {
        await using var transport = new InMemoryTransport();
        // Each job below is ~400 KB on the stream; 1 MiB keeps the two newest.
        var index = Index(transport, new JobsOptions { ModelStore = ".", Retention = EventRetention.InMemoryDefault with { MaxBytes = 1L << 20 } });
        var jobs = Enumerable.Range(0, 4).Select(_ => JobIds.New()).ToList();
        foreach (var job in jobs)
        {
            await PublishAsync(transport, Queued(job), EventSequences.Queued);
            await PublishAsync(transport, Heatmap(job, 100_000), EventSequences.FirstWorkerEvent);
        }
        FeedAll(transport, index);

        Assert.Equal([false, false, true, true], jobs.Select(j => index.Find(j) is not null));
        Assert.InRange(index.StreamBytes, 700_000, 1L << 20);
    }

    [Fact]
    public async Task Find_JobOlderThanRetentionAge_NotFoundAndForgotten()
    {
        await using var transport = new InMemoryTransport(new InMemoryTransportOptions { Time = _clock });
        var index = Index(transport, new JobsOptions { ModelStore = ".", Retention = EventRetention.InMemoryDefault with { MaxAge = TimeSpan.FromMinutes(10) }, Time = _clock });
        string old = JobIds.New(), young = JobIds.New();
        // Ages count from the events' own time stamps (so a replay after a restart ages jobs alike).
        await PublishAsync(transport, Queued(old, _clock.GetUtcNow()), EventSequences.Queued);
        _clock.Advance(TimeSpan.FromMinutes(6));
        await PublishAsync(transport, Queued(young, _clock.GetUtcNow()), EventSequences.Queued);
        FeedAll(transport, index);
        Assert.NotNull(index.Find(old));

        _clock.Advance(TimeSpan.FromMinutes(5));

        Assert.Null(index.Find(old));
        Assert.NotNull(index.Find(young));
        Assert.Equal(1, index.Count);
        var ex = await Assert.ThrowsAsync<JobRejectedException>(() => index.WaitForJobAsync(old, "", new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token));
        Assert.Equal(ErrorKind.NotFound, ex.Kind);
    }

    [Fact]
    public async Task ReadAll_PayloadTrimmedFromTheLog_NotFoundAndJobForgotten()
    {
        // The log keeps 3 events: the heatmap of the first job is gone by the time it is read.
        await using var transport = new InMemoryTransport(new InMemoryTransportOptions { EventRetention = EventRetention.InMemoryDefault with { MaxEvents = 3 } });
        var index = Index(transport, new JobsOptions { ModelStore = "." });
        string first = JobIds.New(), second = JobIds.New();
        await PublishAsync(transport, Queued(first), EventSequences.Queued);
        await PublishAsync(transport, Heatmap(first, 10_000), EventSequences.FirstWorkerEvent);
        var record = FeedAll(transport, index).Find(first)!;
        await PublishAsync(transport, Queued(second), EventSequences.Queued);
        await PublishAsync(transport, Heatmap(second, 10_000), EventSequences.FirstWorkerEvent);
        await PublishAsync(transport, EventCodec.Cancelled(second, "by test"), EventSequences.Terminal);

        var ex = await Assert.ThrowsAsync<JobRejectedException>(() => index.ReadAllAsync(record, CancellationToken.None));

        Assert.Equal((ErrorKind.NotFound, "job_expired"), (ex.Kind, ex.Reason));
        Assert.Null(index.Find(first));
    }

    [Fact]
    public async Task ReadAll_RecentHeatmapTrimmedFromTheLog_ServedFromTheRecentPayloads()
    {
        // As above, but with the recent-payload cache on: the live path reads the heatmap from memory.
        await using var transport = new InMemoryTransport(new InMemoryTransportOptions { EventRetention = EventRetention.InMemoryDefault with { MaxEvents = 3 } });
        var index = Index(transport, new JobsOptions { ModelStore = "." }, recentBytes: 1 << 20);
        string first = JobIds.New(), second = JobIds.New();
        await PublishAsync(transport, Queued(first), EventSequences.Queued);
        await PublishAsync(transport, Heatmap(first, 10_000), EventSequences.FirstWorkerEvent);
        var record = FeedAll(transport, index).Find(first)!;
        await PublishAsync(transport, Queued(second), EventSequences.Queued);
        await PublishAsync(transport, Heatmap(second, 10_000), EventSequences.FirstWorkerEvent);
        await PublishAsync(transport, EventCodec.Cancelled(second, "by test"), EventSequences.Terminal);

        var events = await index.ReadAllAsync(record, CancellationToken.None);

        Assert.Equal([1L, 2], events.Select(e => e.Sequence));
        Assert.Equal(10_000, events[1].Heatmap.Map.Count);
        Assert.True(index.Find(first)!.After(0).Events[1].IsReference, "the index itself still holds only the offset");
    }

    [Fact]
    public void RecentPayloads_OverItsBound_DropsTheOldestFirst()
    {
        var recent = new RecentPayloads(250);
        for (long offset = 0; offset < 5; offset++)
            recent.Add(offset, new JobEvent { JobId = offset.ToString(System.Globalization.CultureInfo.InvariantCulture) }, 100);
        recent.Add(9, new JobEvent(), 1000); // bigger than the whole bound: never held

        Assert.Equal([false, false, false, true, true, false], new long[] { 0, 1, 2, 3, 4, 9 }.Select(o => recent.Get(o) is not null));
        Assert.Equal(200, recent.Bytes);
    }

    public void Dispose() => _services.Dispose();

    /// <summary>The index with its recent-payload cache off (unless <paramref name="recentBytes"/>), so reads go to the stream.</summary>
    private ResultsIndex Index(InMemoryTransport transport, JobsOptions options, long recentBytes = 0) =>
        new(options with { WatchGrace = TimeSpan.FromMilliseconds(100), RecentPayloadBytes = recentBytes }, new ResultsMetrics(_services.GetRequiredService<IMeterFactory>()), transport);

    /// <summary>What the indexer does: every retained event of the log into the index, with its offset.</summary>
    private static ResultsIndex FeedAll(InMemoryTransport transport, ResultsIndex index)
    {
        var events = transport.Events.ReadAsync(Enumerable.Range(0, 1000).Select(i => (long)i).ToList(), CancellationToken.None).ToBlockingEnumerable();
        foreach (var envelope in events)
            index.Apply(envelope);
        return index;
    }

    private static Task PublishAsync(InMemoryTransport transport, JobEvent jobEvent, long sequence) =>
        transport.Events.PublishAsync(EventCodec.Event(jobEvent, sequence), CancellationToken.None);

    private static JobEvent Queued(string job, DateTimeOffset? time = null) =>
        new() { JobId = job, Queued = new Queued { Model = "m" }, TimeUnixMs = time?.ToUnixTimeMilliseconds() ?? 0 };

    private static JobEvent Heatmap(string job, int values)
    {
        var heatmap = new Heatmap { Method = "gradcam", Target = "c1", Shape = { 1, values } };
        heatmap.Map.AddRange(Enumerable.Repeat(7f, values));
        return new JobEvent { JobId = job, Heatmap = heatmap };
    }

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
