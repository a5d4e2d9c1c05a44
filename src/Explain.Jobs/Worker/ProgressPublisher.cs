using System.Diagnostics;
using Explain.Cam;
using Explain.Messaging;
using Explain.V1;

namespace Explain.Jobs.Worker;

/// <summary>
/// Turns the explainer's progress reports into PROGRESS events at a bounded rate: at most one per
/// <see cref="Interval"/>, plus the report that ends each stage (events.proto documents the bound).
/// Reports arrive on the compute thread; publishing only starts a send (the stream keeps call order),
/// and <see cref="Confirmed"/> waits for every confirm. PROGRESS has its own internal sequence
/// (<see cref="EventSequences.Progress"/>): how many a job sends depends on timing, so they must
/// not take numbers from the deterministic sequence results dedupes on.
/// </summary>
public sealed class ProgressPublisher(string jobId, Func<JobEventEnvelope, Task> publish, CancellationToken cancellationToken) : IProgress<ExplainProgress>
{
    /// <summary>The shortest time between two PROGRESS events of a job that do not end a stage.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<Task> _sent = [];
    private TimeSpan _lastSent = -Interval;
    private TimeSpan _lastReport;
    private string? _stage;
    private TimeSpan _stageStart;
    private volatile bool _open;

    /// <summary>PROGRESS events published so far.</summary>
    public int Count
    {
        get { lock (_sent) return _sent.Count; }
    }

    public void Report(ExplainProgress value)
    {
        var now = _clock.Elapsed;
        if (value.Stage != _stage)
        {
            // Stages report when they end and batches after each chunk: a new stage began at the previous report.
            _stage = value.Stage;
            _stageStart = _lastReport;
        }
        _lastReport = now;
        bool ended = value.Done >= value.Total;
        if (!_open || (!ended && now - _lastSent < Interval) || cancellationToken.IsCancellationRequested)
            return;
        _lastSent = now;
        var progress = new Progress
        {
            Stage = value.Stage, Done = value.Done, Total = value.Total,
            ElapsedMs = (long)now.TotalMilliseconds, StageEtaMs = ended || value.Done <= 0 ? 0 : EtaMs(value, now - _stageStart),
        };
        var task = publish(EventCodec.Event(new JobEvent { JobId = jobId, Progress = progress }, EventSequences.Progress));
        lock (_sent)
            _sent.Add(task);
    }

    /// <summary>From now on reports are published (the job's STARTED went out first); earlier ones are dropped.</summary>
    public void Open() => _open = true;

    /// <summary>Completes when every PROGRESS event published so far is confirmed.</summary>
    public Task Confirmed()
    {
        lock (_sent)
            return Task.WhenAll(_sent.ToArray());
    }

    private static long EtaMs(ExplainProgress value, TimeSpan stageElapsed) =>
        (long)Math.Ceiling(stageElapsed.TotalMilliseconds / value.Done * (value.Total - value.Done));
}
