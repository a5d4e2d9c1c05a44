using System.Diagnostics.Metrics;
using Explain.Jobs.Results;
using Explain.V1;
using Microsoft.Extensions.DependencyInjection;

namespace Explain.Jobs.Tests.Results;

public sealed class ResultsIndexTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly ResultsIndex _index;
    private readonly string _job = JobIds.New();

    public ResultsIndexTests() => _index = Index(TimeSpan.FromSeconds(10));

    [Fact]
    public void Apply_RedeliveredEvents_KeptOnceAndRenumbered()
    {
        _index.Apply(EventCodec.Event(new JobEvent { JobId = _job, Queued = new Queued() }, EventSequences.Queued));
        _index.Apply(EventCodec.Event(new JobEvent { JobId = _job, Started = new Started { Attempt = 1 } }, 2));
        _index.Apply(EventCodec.Event(new JobEvent { JobId = _job, Started = new Started { Attempt = 2 } }, 2));
        _index.Apply(EventCodec.Event(new JobEvent { JobId = _job, Predictions = new Predictions() }, 3));

        var events = _index.Find(_job)!.After(0).Events.Select(e => e.Event!).ToList();

        Assert.Equal([1L, 2L, 3L], events.Select(e => e.Sequence));
        Assert.Equal(1, events[1].Started.Attempt);
    }

    [Fact]
    public void Apply_EventsAfterTerminal_Dropped()
    {
        _index.Apply(EventCodec.Event(new JobEvent { JobId = _job, Queued = new Queued() }, EventSequences.Queued));
        _index.Apply(EventCodec.Event(EventCodec.Cancelled(_job, "by test"), EventSequences.Terminal));
        _index.Apply(EventCodec.Event(new JobEvent { JobId = _job, Started = new Started() }, 2));
        _index.Apply(EventCodec.Event(EventCodec.Failed(_job, ErrorKind.Internal, "late"), EventSequences.Terminal));

        var record = _index.Find(_job)!;

        Assert.Equal([JobEvent.KindOneofCase.Queued, JobEvent.KindOneofCase.Cancelled], record.After(0).Events.Select(e => e.Event!.KindCase));
        Assert.Equal(JobState.Cancelled, record.State);
    }

    [Fact]
    public void Apply_QueuedAfterWorkerEvent_DroppedSoQueuedIsOnlyEverFirst()
    {
        // Ingestion re-sent QUEUED after a lost connection and it landed behind the worker's STARTED.
        _index.Apply(EventCodec.Event(new JobEvent { JobId = _job, Started = new Started { Attempt = 1 } }, EventSequences.FirstWorkerEvent));
        _index.Apply(EventCodec.Event(new JobEvent { JobId = _job, Queued = new Queued() }, EventSequences.Queued));
        _index.Apply(EventCodec.Event(new JobEvent { JobId = _job, Predictions = new Predictions() }, 3));

        var events = _index.Find(_job)!.After(0).Events.Select(e => e.Event!).ToList();

        Assert.Equal([JobEvent.KindOneofCase.Started, JobEvent.KindOneofCase.Predictions], events.Select(e => e.KindCase));
        Assert.Equal([1L, 2L], events.Select(e => e.Sequence));
    }

    [Fact]
    public void Apply_QueuedWithIdempotencyClaim_KeyFindsTheJobUntilItIsTrimmed()
    {
        var index = new ResultsIndex(new JobsOptions { ModelStore = ".", MaxRetainedJobs = 2 }, new ResultsMetrics(_services.GetRequiredService<IMeterFactory>()));
        var claim = new Explain.Internal.V1.IdempotencyClaim { Key = "retry-me", Fingerprint = "F1" };
        // A recent time stamp: the index ages jobs by it (a 1970 one is past retention).
        long queuedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 1234;
        index.Apply(EventCodec.Event(new JobEvent { JobId = _job, Queued = new Queued(), TimeUnixMs = queuedAt }, EventSequences.Queued, claim));
        index.Apply(EventCodec.Event(new JobEvent { JobId = _job, Started = new Started() }, EventSequences.FirstWorkerEvent, new Explain.Internal.V1.IdempotencyClaim { Key = "not-on-queued", Fingerprint = "F2" }));

        var found = index.FindByIdempotencyKey("retry-me");
        Assert.NotNull(found);
        Assert.Equal((_job, "F1", queuedAt, JobState.Running), (found.Job.JobId, found.Fingerprint, found.SubmittedUnixMs, found.Job.State));
        Assert.Null(index.FindByIdempotencyKey("not-on-queued"));

        foreach (var other in new[] { JobIds.New(), JobIds.New(), JobIds.New() })
            index.Apply(EventCodec.Event(new JobEvent { JobId = other, Queued = new Queued() }, EventSequences.Queued));

        Assert.Null(index.Find(_job));
        Assert.Null(index.FindByIdempotencyKey("retry-me"));
    }

    [Fact]
    public async Task Watch_JobArrivesLater_StreamsIt()
    {
        var watch = Collect(_index.WatchAsync(_job, 0, CancellationToken.None));
        await Task.Delay(50);
        _index.Apply(EventCodec.Event(new JobEvent { JobId = _job, Queued = new Queued() }, EventSequences.Queued));
        _index.Apply(EventCodec.Event(EventCodec.Cancelled(_job, "by test"), EventSequences.Terminal));

        var events = await watch.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(2, events.Count);
    }

    [Fact]
    public async Task Watch_NeverSeenJob_NotFoundAfterGrace()
    {
        var index = Index(TimeSpan.FromMilliseconds(200));

        var ex = await Assert.ThrowsAsync<JobRejectedException>(() => Collect(index.WatchAsync(_job, 0, CancellationToken.None)));

        Assert.Equal(ErrorKind.NotFound, ex.Kind);
    }

    public void Dispose() => _services.Dispose();

    private ResultsIndex Index(TimeSpan grace) =>
        new(new JobsOptions { ModelStore = ".", WatchGrace = grace }, new ResultsMetrics(_services.GetRequiredService<IMeterFactory>()));

    private static async Task<List<JobEvent>> Collect(IAsyncEnumerable<JobEvent> events)
    {
        var list = new List<JobEvent>();
        await foreach (var e in events)
            list.Add(e);
        return list;
    }
}
