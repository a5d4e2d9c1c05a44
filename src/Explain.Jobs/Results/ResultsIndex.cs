using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Explain.Messaging;
using Explain.V1;
using Explain.Engine.Errors;

namespace Explain.Jobs.Results;

/// <summary>
/// Every job's events by job id, fed from the events stream (replayed from its start when the
/// process starts, so finished jobs survive a results restart as long as the stream retains them).
/// Holds at most <see cref="JobsOptions.MaxRetainedJobs"/> jobs; the oldest are forgotten first.
/// </summary>
public sealed class ResultsIndex
{
    private readonly ConcurrentDictionary<string, JobRecord> _jobs = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();
    private readonly ConcurrentDictionary<string, IdempotentJob> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _keyOfJob = new(StringComparer.Ordinal);
    private readonly JobsOptions _options;
    private readonly ResultsMetrics _metrics;
    private TaskCompletionSource _newJob = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ResultsIndex(JobsOptions options, ResultsMetrics metrics)
    {
        _options = options;
        _metrics = metrics;
        metrics.JobsHeld = () => _jobs.Count;
    }

    public int Count => _jobs.Count;

    /// <summary>Applies one envelope from the events stream (cancel requests are the workers' business).</summary>
    public void Apply(JobEventEnvelope envelope)
    {
        var message = EventCodec.Parse(envelope);
        if (message.Event is not { } jobEvent)
            return;
        bool created = false;
        var record = _jobs.GetOrAdd(envelope.JobId, id => { created = true; return new JobRecord(id); });
        if (jobEvent.KindCase == JobEvent.KindOneofCase.Queued)
            record.Tenant ??= message.Tenant; // also when a late QUEUED is not appended
        if (record.TryAppend(envelope.Sequence, jobEvent))
            _metrics.Indexed();
        else
            _metrics.Duplicate();
        if (message.Idempotency is { Key.Length: > 0 } claim && jobEvent.KindCase == JobEvent.KindOneofCase.Queued)
        {
            if (_keys.TryAdd(claim.Key, new IdempotentJob(claim.Fingerprint, record, jobEvent.TimeUnixMs)))
                _keyOfJob[envelope.JobId] = claim.Key;
        }
        if (created)
            NewJob(envelope.JobId);
    }

    public JobRecord? Find(string jobId) => _jobs.GetValueOrDefault(jobId);

    /// <summary>The job if <paramref name="tenant"/> may see it: another tenant's job is as absent as an unknown one.</summary>
    public JobRecord? Find(string jobId, string tenant) => _jobs.GetValueOrDefault(jobId) is { } record && record.IsVisibleTo(tenant) ? record : null;

    /// <summary>The job first queued with this idempotency key (by any ingestion replica), while the index still holds it.</summary>
    public IdempotentJob? FindByIdempotencyKey(string key)
    {
        if (!_keys.TryGetValue(key, out var known))
            return null;
        return _jobs.ContainsKey(known.Job.JobId) ? known : null;
    }

    /// <summary>The job's events after <paramref name="afterSequence"/>, then live ones, until its terminal event.</summary>
    /// <exception cref="JobRejectedException">NOT_FOUND: no event of the job within the grace period.</exception>
    public async IAsyncEnumerable<JobEvent> WatchAsync(string jobId, long afterSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var batch in WatchBatchesAsync(jobId, "", afterSequence, cancellationToken))
        {
            foreach (var jobEvent in batch)
                yield return jobEvent;
        }
    }

    /// <summary>As <see cref="WatchAsync"/>, in batches: everything available at once (a heatmap and the COMPLETED right behind it) together.</summary>
    /// <exception cref="JobRejectedException">NOT_FOUND: no event of the job within the grace period.</exception>
    public async IAsyncEnumerable<IReadOnlyList<JobEvent>> WatchBatchesAsync(string jobId, string tenant, long afterSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var record = await WaitForJobAsync(jobId, tenant, cancellationToken);
        long position = afterSequence, progressVersion = 0;
        while (true)
        {
            var changed = record.Changed;
            var (events, terminal) = record.After(position);
            // Only the latest PROGRESS, and only when it follows the last retained event read (one
            // appended since the read comes round on the next pass, the PROGRESS behind it too).
            long last = events.Count > 0 ? events[^1].Sequence : position;
            var (progress, version) = record.ProgressAfter(progressVersion);
            if (progress is not null && !terminal && progress.Sequence == last)
            {
                events = [.. events, progress];
                progressVersion = version;
            }
            if (events.Count > 0)
            {
                position = last;
                yield return events;
            }
            if (terminal && record.After(position).Events.Count == 0)
                yield break;
            await changed.WaitAsync(cancellationToken);
        }
    }

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
            if (_jobs.TryGetValue(jobId, out var record) && record.IsVisibleTo(tenant))
                return record;
            try
            {
                await newJob.WaitAsync(grace.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw JobRejectedException.NotFound("unknown_job", $"no job '{LogText.Of(jobId)}'", "job", LogText.Of(jobId));
            }
        }
    }

    private void NewJob(string jobId)
    {
        if (_jobs.Count > _options.MaxRetainedJobs)
            Trim();
        _order.Enqueue(jobId);
        Interlocked.Exchange(ref _newJob, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    private void Trim()
    {
        while (_jobs.Count > _options.MaxRetainedJobs && _order.TryDequeue(out var oldest))
        {
            _jobs.TryRemove(oldest, out _);
            if (_keyOfJob.TryRemove(oldest, out var key))
                _keys.TryRemove(key, out _);
        }
    }
}

/// <summary>A job an idempotency key points at: the request's fingerprint, the job, when it was queued.</summary>
public sealed record IdempotentJob(string Fingerprint, JobRecord Job, long SubmittedUnixMs);
