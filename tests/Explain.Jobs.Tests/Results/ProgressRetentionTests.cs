using Explain.Jobs.Results;
using Explain.V1;
using Microsoft.Extensions.DependencyInjection;

namespace Explain.Jobs.Tests.Results;

/// <summary>The results index holds at most the latest PROGRESS of a job, and none once a retained event follows it.</summary>
public sealed class ProgressRetentionTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly string _job = JobIds.New();
    private readonly ResultsIndex _index;

    public ProgressRetentionTests() =>
        _index = new ResultsIndex(new JobsOptions { ModelStore = ".", WatchGrace = TimeSpan.FromSeconds(5) }, new ResultsMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));

    private void Progress(int done) =>
        _index.Apply(EventCodec.Event(new JobEvent { JobId = _job, Progress = new Explain.V1.Progress { Stage = "scorecam", Done = done, Total = 1000 } }, EventSequences.Progress));

    [Fact]
    public async Task ThousandProgressEvents_OnlyTheLatestIsHeldAndWatched()
    {
        _index.Apply(EventCodec.Event(new JobEvent { JobId = _job, Queued = new Queued() }, EventSequences.Queued));
        _index.Apply(EventCodec.Event(new JobEvent { JobId = _job, Started = new Started() }, EventSequences.FirstWorkerEvent));
        for (int done = 1; done <= 1000; done++)
            Progress(done);
        var record = _index.Find(_job)!;

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var first = await _index.WatchBatchesAsync(_job, "", 0, stop.Token).FirstAsync(stop.Token);

        Assert.Equal(2, record.After(0).Events.Count); // QUEUED, STARTED: no PROGRESS retained
        Assert.Equal([JobEvent.KindOneofCase.Queued, JobEvent.KindOneofCase.Started, JobEvent.KindOneofCase.Progress], first.Select(e => e.KindCase));
        Assert.Equal(1000, first[^1].Progress.Done);
        Assert.Equal(2, first[^1].Sequence);
    }

    [Fact]
    public void ProgressThenPredictions_ProgressDropped()
    {
        _index.Apply(EventCodec.Event(new JobEvent { JobId = _job, Queued = new Queued() }, EventSequences.Queued));
        Progress(5);
        _index.Apply(EventCodec.Event(new JobEvent { JobId = _job, Predictions = new Predictions() }, 3));

        var (progress, _) = _index.Find(_job)!.ProgressAfter(0);

        Assert.Null(progress);
        Assert.Equal([1L, 2L], _index.Find(_job)!.After(0).Events.Select(e => e.Sequence));
    }

    [Fact]
    public void ProgressBeforeQueuedOrAfterTerminal_Ignored()
    {
        Progress(1); // creates the record, holds nothing: no retained event to follow
        Assert.Null(_index.Find(_job)!.ProgressAfter(0).Progress);
        _index.Apply(EventCodec.Event(new JobEvent { JobId = _job, Queued = new Queued() }, EventSequences.Queued));
        _index.Apply(EventCodec.Event(EventCodec.Cancelled(_job, "test"), EventSequences.Terminal));
        Progress(2);

        Assert.Null(_index.Find(_job)!.ProgressAfter(0).Progress);
    }

    public void Dispose() => _services.Dispose();
}
