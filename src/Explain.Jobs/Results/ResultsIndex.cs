using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Explain.Messaging;
using Explain.V1;
using Explain.Engine.Errors;

namespace Explain.Jobs.Results;

/// <summary>
/// Every job's events by job id, fed from the events stream (replayed from its start when the
/// process starts, so finished jobs survive a results restart as long as the stream retains them).
/// Heavy events are kept as their stream offsets and read again from the stream when a client
/// asks (<see cref="JobRecord"/>). Retention: at most <see cref="JobsOptions.MaxRetainedJobs"/>
/// jobs, none older than the retention age, and the newest jobs whose events fit in the retention
/// bytes; the oldest are forgotten first, and a forgotten job is NOT_FOUND.
/// </summary>
public sealed class ResultsIndex
{
    private readonly ConcurrentDictionary<string, JobRecord> _jobs = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<JobRecord> _order = new();
    private readonly ConcurrentDictionary<string, IdempotentJob> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _keyOfJob = new(StringComparer.Ordinal);
    private readonly object _trimGate = new();
    private readonly JobsOptions _options;
    private readonly ResultsMetrics _metrics;
    private readonly IEventStream? _stream;
    private long _streamBytes;
    private long _inlineBytes;
    private TaskCompletionSource _newJob = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _replaying;
    private volatile TaskCompletionSource _replayed = Completed();
    private readonly RecentPayloads _recent;

    /// <summary>
    /// Whether the index is still replaying the events stream (after a start or a resubscription): a job it does not
    /// know may be in the part not read yet. <see cref="ResultsIndexer"/> sets it; an index fed otherwise never replays.
    /// </summary>
    public bool Replaying => Volatile.Read(ref _replaying) == 1;

    /// <summary>The indexer starts reading the stream from its retained start.</summary>
    public void BeginReplay()
    {
        if (!Replaying)
            _replayed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _replaying, 1);
    }

    /// <summary>Waits at most <paramref name="wait"/> for a replay in progress to end; true when the index is no longer replaying.</summary>
    public async Task<bool> WaitForReplayAsync(TimeSpan wait, CancellationToken cancellationToken = default)
    {
        if (!Replaying)
            return true;
        try
        {
            await _replayed.Task.WaitAsync(wait, cancellationToken);
        }
        catch (TimeoutException)
        {
        }
        return !Replaying;
    }

    /// <summary>The indexer has read everything the stream retained and waits for new events.</summary>
    public void EndReplay()
    {
        Volatile.Write(ref _replaying, 0);
        _replayed.TrySetResult();
        // Wake waiters for unknown jobs: their answer is NOT_FOUND now, not UNAVAILABLE.
        Interlocked.Exchange(ref _newJob, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>How long a client should wait before asking again for a job the replaying index does not know yet.</summary>
    public static readonly TimeSpan ReplayRetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The answer for a job id the index does not hold: NOT_FOUND (with ResourceInfo), or while it replays the stream
    /// UNAVAILABLE with RetryInfo, since the job may be in the part not read yet.
    /// </summary>
    public JobRejectedException UnknownJob(string jobId) => Replaying
        ? new JobRejectedException(ErrorKind.Unavailable, "results_replaying", $"the results index is replaying the events stream and has not reached job '{LogText.Of(jobId)}' yet (if it exists); retry") { RetryAfter = ReplayRetryAfter }
        : JobRejectedException.NotFound("unknown_job", $"no job '{LogText.Of(jobId)}'", "job", LogText.Of(jobId));

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        done.SetResult();
        return done;
    }

    /// <summary>An index that keeps every event whole (no stream to read payloads back from).</summary>
    public ResultsIndex(JobsOptions options, ResultsMetrics metrics)
        : this(options, metrics, (IEventStream?)null)
    {
    }

    public ResultsIndex(JobsOptions options, ResultsMetrics metrics, IMessageTransport transport)
        : this(options, metrics, transport.Events)
    {
    }

    private ResultsIndex(JobsOptions options, ResultsMetrics metrics, IEventStream? stream)
    {
        _options = options;
        _metrics = metrics;
        _stream = stream;
        _recent = new RecentPayloads(options.RecentPayloadBytes);
        metrics.JobsHeld = () => _jobs.Count;
        metrics.InlineBytesHeld = () => Interlocked.Read(ref _inlineBytes);
    }

    public int Count => _jobs.Count;

    /// <summary>Bytes of the retained jobs' events on the stream (what retention by size counts).</summary>
    public long StreamBytes => Interlocked.Read(ref _streamBytes);

    /// <summary>Bytes of events the index holds whole in memory (the small ones).</summary>
    public long InlineBytes => Interlocked.Read(ref _inlineBytes);

    /// <summary>Applies one envelope from the events stream (cancel requests are the workers' business).</summary>
    public void Apply(JobEventEnvelope envelope)
    {
        var message = EventCodec.Parse(envelope);
        if (message.Event is not { } jobEvent)
            return;
        bool created = false;
        long time = jobEvent.TimeUnixMs > 0 ? jobEvent.TimeUnixMs : Now();
        var record = _jobs.GetOrAdd(envelope.JobId, id => { created = true; return new JobRecord(id, time); });
        if (created)
            _order.Enqueue(record);
        if (jobEvent.KindCase == JobEvent.KindOneofCase.Queued)
            record.Tenant ??= message.Tenant; // also when a late QUEUED is not appended
        int bytes = envelope.Body.Length;
        record.CountStreamBytes(bytes);
        Interlocked.Add(ref _streamBytes, bytes);
        long inlineBefore = record.InlineBytesHeld;
        // A heavy event kept only as its offset stays readable from memory while it is recent, so
        // live watchers get it without a round trip to the stream (before TryAppend wakes them).
        if (_stream is not null && envelope.Offset >= 0 && bytes > JobRecord.InlineBytes)
            _recent.Add(envelope.Offset, jobEvent, bytes);
        // Without a stream to read it back from, an event is kept whole.
        if (record.TryAppend(envelope.Sequence, jobEvent, _stream is null ? -1 : envelope.Offset, bytes))
            _metrics.Indexed();
        else
            _metrics.Duplicate();
        Interlocked.Add(ref _inlineBytes, record.InlineBytesHeld - inlineBefore);
        if (message.Idempotency is { Key.Length: > 0 } claim && jobEvent.KindCase == JobEvent.KindOneofCase.Queued)
        {
            if (_keys.TryAdd(claim.Key, new IdempotentJob(claim.Fingerprint, record, jobEvent.TimeUnixMs)))
                _keyOfJob[envelope.JobId] = claim.Key;
        }
        Trim();
        if (created)
            Interlocked.Exchange(ref _newJob, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>The job, unless it is unknown or past retention (then it is forgotten now).</summary>
    public JobRecord? Find(string jobId)
    {
        if (_jobs.GetValueOrDefault(jobId) is not { } record)
            return null;
        if (!IsExpired(record))
            return record;
        Trim();
        return null;
    }

    /// <summary>The job if <paramref name="tenant"/> may see it: another tenant's job is as absent as an unknown one.</summary>
    public JobRecord? Find(string jobId, string tenant) => Find(jobId) is { } record && record.IsVisibleTo(tenant) ? record : null;

    /// <summary>The job first queued with this idempotency key (by any ingestion replica), while the index still holds it.</summary>
    public IdempotentJob? FindByIdempotencyKey(string key)
    {
        if (!_keys.TryGetValue(key, out var known))
            return null;
        return Find(known.Job.JobId) is not null ? known : null;
    }

    /// <summary>The job's events after <paramref name="afterSequence"/>, then live ones, until its terminal event.</summary>
    /// <exception cref="JobRejectedException">NOT_FOUND: no event of the job within the grace period, or the job passed retention.</exception>
    public async IAsyncEnumerable<JobEvent> WatchAsync(string jobId, long afterSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var batch in WatchBatchesAsync(jobId, "", afterSequence, cancellationToken))
        {
            foreach (var jobEvent in batch)
                yield return jobEvent;
        }
    }

    /// <summary>
    /// As <see cref="WatchAsync"/>, in batches: what is available at once (a heatmap and the
    /// COMPLETED right behind it) together, each batch at most <see cref="JobsOptions.WatchBufferBytes"/>
    /// of events (or one event), read from the stream only when the caller asks for the batch.
    /// </summary>
    /// <exception cref="JobRejectedException">NOT_FOUND: no event of the job within the grace period, or the job passed retention.</exception>
    public async IAsyncEnumerable<IReadOnlyList<JobEvent>> WatchBatchesAsync(string jobId, string tenant, long afterSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var record = await WaitForJobAsync(jobId, tenant, cancellationToken);
        long position = afterSequence, progressVersion = 0;
        while (true)
        {
            var changed = record.Changed;
            var (stored, terminal) = record.After(position, _options.WatchBufferBytes);
            // Only the latest PROGRESS, and only when it follows the last retained event read (one
            // appended since the read comes round on the next pass, the PROGRESS behind it too).
            long last = stored.Count > 0 ? stored[^1].Sequence : position;
            var (progress, version) = record.ProgressAfter(progressVersion);
            bool withProgress = progress is not null && !terminal && progress.Sequence == last;
            if (stored.Count > 0 || withProgress)
            {
                position = last;
                IReadOnlyList<JobEvent> events = stored.Count > 0 ? await ResolveAsync(record, stored, cancellationToken) : [];
                if (withProgress)
                {
                    events = [.. events, progress!];
                    progressVersion = version;
                }
                yield return events;
            }
            if (terminal)
                yield break;
            if (stored.Count == 0 && !withProgress)
                await changed.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Every event of the job (Get), read back from the stream where only offsets are kept.</summary>
    /// <exception cref="JobRejectedException">NOT_FOUND: the job passed retention meanwhile; UNAVAILABLE: the stream cannot be read now.</exception>
    public Task<IReadOnlyList<JobEvent>> ReadAllAsync(JobRecord record, CancellationToken cancellationToken) =>
        ResolveAsync(record, record.After(0).Events, cancellationToken);

    /// <summary>
    /// The job once <paramref name="tenant"/> may see it. Another tenant's job waits out the same
    /// grace period as an unknown id before NOT_FOUND, so timing does not tell that it exists.
    /// </summary>
    /// <exception cref="JobRejectedException">NOT_FOUND: the job did not become visible within the grace period.</exception>
    public async Task<JobRecord> WaitForJobAsync(string jobId, string tenant, CancellationToken cancellationToken)
    {
        using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        grace.CancelAfter(_options.WatchGrace);
        while (true)
        {
            var newJob = Volatile.Read(ref _newJob).Task;
            if (Find(jobId, tenant) is { } record)
                return record;
            try
            {
                await newJob.WaitAsync(grace.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw UnknownJob(jobId);
            }
        }
    }

    /// <summary>
    /// The stored events as the public API's: recent heavy events from memory, older ones read from
    /// the stream in one pass.
    /// </summary>
    private async Task<IReadOnlyList<JobEvent>> ResolveAsync(JobRecord record, IReadOnlyList<StoredEvent> stored, CancellationToken cancellationToken)
    {
        var events = new JobEvent[stored.Count];
        var offsets = new List<long>();
        for (int i = 0; i < stored.Count; i++)
        {
            if (stored[i].Event is { } whole)
            {
                events[i] = whole;
            }
            else if (_recent.Get(stored[i].Offset) is { } recent)
            {
                var copy = recent.Clone();
                copy.Sequence = stored[i].Sequence;
                events[i] = copy;
            }
            else
            {
                offsets.Add(stored[i].Offset);
            }
        }
        if (offsets.Count == 0)
            return events;
        try
        {
            await using var read = _stream!.ReadAsync(offsets, cancellationToken).GetAsyncEnumerator(cancellationToken);
            for (int i = 0; i < stored.Count; i++)
            {
                if (events[i] is not null)
                    continue;
                if (!await read.MoveNextAsync() || read.Current.Offset != stored[i].Offset)
                {
                    Forget(record);
                    throw JobRejectedException.NotFound("job_expired", $"job '{record.JobId}' is past the events stream's retention", "job", record.JobId);
                }
                var jobEvent = EventCodec.Parse(read.Current).Event;
                jobEvent.Sequence = stored[i].Sequence;
                events[i] = jobEvent;
            }
        }
        catch (Exception e) when (e is not (JobRejectedException or OperationCanceledException))
        {
            throw new JobRejectedException(ErrorKind.Unavailable, "events_unavailable", $"the events stream cannot be read now ({e.GetType().Name}); retry") { RetryAfter = TimeSpan.FromSeconds(1) };
        }
        return events;
    }

    private long Now() => _options.Time.GetUtcNow().ToUnixTimeMilliseconds();

    private bool IsExpired(JobRecord record) => record.CreatedUnixMs < Now() - (long)_options.Retention.MaxAge.TotalMilliseconds;

    /// <summary>Forgets the oldest jobs while over a retention limit (count, bytes, age); runs at every event and at a lookup of an expired job.</summary>
    public void Trim()
    {
        lock (_trimGate)
        {
            while (_order.TryPeek(out var oldest)
                && (_jobs.Count > _options.MaxRetainedJobs || StreamBytes > _options.Retention.MaxBytes || IsExpired(oldest) || !ReferenceEquals(_jobs.GetValueOrDefault(oldest.JobId), oldest)))
            {
                _order.TryDequeue(out _);
                Forget(oldest);
            }
        }
    }

    private void Forget(JobRecord record)
    {
        if (!_jobs.TryRemove(new KeyValuePair<string, JobRecord>(record.JobId, record)))
            return;
        Interlocked.Add(ref _streamBytes, -record.StreamBytes);
        Interlocked.Add(ref _inlineBytes, -record.InlineBytesHeld);
        if (_keyOfJob.TryRemove(record.JobId, out var key))
            _keys.TryRemove(key, out _);
        _metrics.Forgotten();
    }
}

/// <summary>A job an idempotency key points at: the request's fingerprint, the job, when it was queued.</summary>
public sealed record IdempotentJob(string Fingerprint, JobRecord Job, long SubmittedUnixMs);
