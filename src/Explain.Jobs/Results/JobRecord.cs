using Explain.Api;
using Explain.V1;

namespace Explain.Jobs.Results;

/// <summary>
/// One job's events as clients see them: accepted once per internal sequence number, nothing after
/// the terminal event, QUEUED only as the first event (it comes later only when ingestion had to
/// re-send it), renumbered 1, 2, 3, … in order of arrival (the stream's order, the same for every
/// replica). Events whose body is over <see cref="InlineBytes"/> and whose stream offset is known
/// are kept as that offset only (<see cref="StoredEvent"/>): the payloads stay in the stream.
/// Watchers wait on <see cref="Changed"/>, replaced at each append. PROGRESS is not retained:
/// only the latest one is held, until the next retained event supersedes it.
/// </summary>
public sealed class JobRecord(string jobId, long createdUnixMs)
{
    /// <summary>Bodies up to this size are kept whole (everything but heatmaps of big inputs).</summary>
    public const int InlineBytes = 16 << 10;

    private readonly object _gate = new();
    private readonly List<StoredEvent> _events = [];
    private readonly HashSet<long> _seen = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private JobEvent? _progress;
    private long _progressVersion;

    public JobRecord(string jobId)
        : this(jobId, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())
    {
    }

    public string JobId { get; } = jobId;

    /// <summary>When the job's first event was published (its time stamp, so a replay after a restart ages jobs the same).</summary>
    public long CreatedUnixMs { get; } = createdUnixMs;

    public bool IsTerminal { get; private set; }

    public JobState State { get; private set; } = JobState.Unspecified;

    /// <summary>Bytes of this job's event bodies on the stream (accepted or not): what its retention by size counts.</summary>
    public long StreamBytes { get; private set; }

    /// <summary>Bytes of the events this record keeps whole in memory.</summary>
    public long InlineBytesHeld { get; private set; }

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

    /// <summary>Counts an envelope of this job on the stream towards <see cref="StreamBytes"/>.</summary>
    public void CountStreamBytes(int bytes)
    {
        lock (_gate)
            StreamBytes += bytes;
    }

    /// <summary>
    /// Appends the event unless its sequence was seen or the job already ended; true when appended.
    /// With <paramref name="offset"/> >= 0 and a body over <see cref="InlineBytes"/> only the offset is kept.
    /// </summary>
    public bool TryAppend(long internalSequence, JobEvent jobEvent, long offset = -1, int bytes = 0)
    {
        if (jobEvent.KindCase == JobEvent.KindOneofCase.Progress)
            return TrySetProgress(jobEvent);
        TaskCompletionSource changed;
        lock (_gate)
        {
            _progress = null;
            if (IsTerminal || (internalSequence == EventSequences.Queued && _events.Count > 0) || !_seen.Add(internalSequence))
                return false;
            long sequence = _events.Count + 1;
            bool reference = offset >= 0 && bytes > InlineBytes;
            JobEvent? kept = null;
            if (!reference)
            {
                kept = jobEvent.Clone();
                kept.Sequence = sequence;
                InlineBytesHeld += bytes;
            }
            _events.Add(new StoredEvent(sequence, kept, offset, bytes));
            IsTerminal = JobEvents.IsTerminal(jobEvent);
            State = JobEvents.StateAfter(jobEvent);
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

    /// <summary>
    /// Events with sequence > <paramref name="afterSequence"/>, at most <paramref name="maxBytes"/>
    /// of bodies (at least one event), and whether the job had ended when read.
    /// </summary>
    public (IReadOnlyList<StoredEvent> Events, bool Terminal) After(long afterSequence, long maxBytes = long.MaxValue)
    {
        lock (_gate)
        {
            int from = (int)Math.Clamp(afterSequence, 0, _events.Count);
            int to = from;
            long bytes = 0;
            while (to < _events.Count && (to == from || bytes + _events[to].Bytes <= maxBytes))
                bytes += _events[to++].Bytes;
            return (_events.GetRange(from, to - from), IsTerminal && to == _events.Count);
        }
    }

    /// <summary>How many events the job has now.</summary>
    public int Count
    {
        get { lock (_gate) return _events.Count; }
    }
}
