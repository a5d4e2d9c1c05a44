using Explain.Api;
using Explain.V1;

namespace Explain.Jobs.Results;

/// <summary>
/// One job's events as clients see them: accepted once per internal sequence number, nothing after
/// the terminal event, QUEUED only as the first event (it comes later only when ingestion had to
/// re-send it), renumbered 1, 2, 3, … in order of arrival (the stream's order, the same for every
/// replica). Watchers wait on <see cref="Changed"/>, replaced at each append. PROGRESS is not
/// retained: only the latest one is held, until the next retained event supersedes it.
/// </summary>
public sealed class JobRecord(string jobId)
{
    private readonly object _gate = new();
    private readonly List<JobEvent> _events = [];
    private readonly HashSet<long> _seen = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private JobEvent? _progress;
    private long _progressVersion;

    public string JobId { get; } = jobId;

    public DateTimeOffset Created { get; } = DateTimeOffset.UtcNow;

    public bool IsTerminal { get; private set; }

    public JobState State { get; private set; } = JobState.Unspecified;

    /// <summary>The tenant the job belongs to, from its QUEUED event; null until that event is indexed.</summary>
    public string? Tenant { get; set; }

    /// <summary>
    /// Whether <paramref name="tenant"/> may see the job. Without authentication every caller is
    /// tenant "" and sees every job, also before its QUEUED is indexed; a named tenant sees only
    /// jobs whose QUEUED says it is theirs.
    /// </summary>
    public bool IsVisibleTo(string tenant) => Tenant == tenant || (tenant.Length == 0 && Tenant is null);

    /// <summary>Completes at the next append (take it before reading, then read, then await).</summary>
    public Task Changed
    {
        get { lock (_gate) return _changed.Task; }
    }

    /// <summary>Appends the event unless its sequence was seen or the job already ended; true when appended.</summary>
    public bool TryAppend(long internalSequence, JobEvent jobEvent)
    {
        if (jobEvent.KindCase == JobEvent.KindOneofCase.Progress)
            return TrySetProgress(jobEvent);
        TaskCompletionSource changed;
        lock (_gate)
        {
            _progress = null;
            if (IsTerminal || (internalSequence == EventSequences.Queued && _events.Count > 0) || !_seen.Add(internalSequence))
                return false;
            var copy = jobEvent.Clone();
            copy.Sequence = _events.Count + 1;
            _events.Add(copy);
            IsTerminal = JobEvents.IsTerminal(copy);
            State = JobEvents.StateAfter(copy);
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
        return true;
    }

    /// <summary>The latest PROGRESS if it is newer than <paramref name="afterVersion"/> and no retained event came after it; its version.</summary>
    public (JobEvent? Progress, long Version) ProgressAfter(long afterVersion)
    {
        lock (_gate)
            return (_progressVersion > afterVersion ? _progress : null, _progressVersion);
    }

    private bool TrySetProgress(JobEvent jobEvent)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            if (IsTerminal || _events.Count == 0)
                return false; // none before QUEUED (it would have no sequence to carry) or after the end
            var copy = jobEvent.Clone();
            copy.Sequence = _events.Count; // the last retained event's: resuming after it skips nothing
            _progress = copy;
            _progressVersion++;
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
        return true;
    }

    /// <summary>Events with sequence > <paramref name="afterSequence"/>, and whether the job had ended when read.</summary>
    public (IReadOnlyList<JobEvent> Events, bool Terminal) After(long afterSequence)
    {
        lock (_gate)
        {
            int from = (int)Math.Clamp(afterSequence, 0, _events.Count);
            return (_events.GetRange(from, _events.Count - from), IsTerminal);
        }
    }
}
