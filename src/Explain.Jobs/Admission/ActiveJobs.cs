using System.Collections.Concurrent;
using Explain.Messaging;

namespace Explain.Jobs.Admission;

/// <summary>
/// Each tenant's jobs between QUEUED and their terminal event, for the per-tenant concurrency
/// limit. Fed from the events stream that ingestion already follows (every replica sees every
/// replica's QUEUED, and a restarted one rebuilds the counts by replaying the stream), and by
/// admission itself, which reserves a job's slot before it publishes (so a burst is counted before
/// its QUEUED events come back). A job whose terminal event never arrives is forgotten
/// <see cref="Grace"/> after its deadline (after <see cref="MaxAge"/> when it has none).
/// </summary>
public sealed class ActiveJobs(TimeProvider clock)
{
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);

    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(1);

    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, long>> _byTenant = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _tenantOf = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    public ActiveJobs() : this(TimeProvider.System)
    {
    }

    /// <summary>The tenant's jobs not yet ended.</summary>
    public int Count(string tenant)
    {
        if (!_byTenant.TryGetValue(tenant, out var jobs))
            return 0;
        long now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var (id, expires) in jobs)
            if (expires < now)
                End(id);
        return jobs.Count;
    }

    /// <summary>Counts the job for its tenant unless the tenant already has <paramref name="limit"/>; false when refused.</summary>
    public bool TryReserve(string tenant, string jobId, long deadlineUnixMs, int limit)
    {
        lock (_gate)
        {
            if (Count(tenant) >= limit)
                return false;
            Add(tenant, jobId, deadlineUnixMs);
            return true;
        }
    }

    /// <summary>QUEUED adds the job (again, harmlessly, for one this replica reserved); a terminal event ends it.</summary>
    public void Observe(JobEventEnvelope envelope)
    {
        if (envelope.Sequence == EventSequences.Terminal)
        {
            End(envelope.JobId);
        }
        else if (envelope.Sequence == EventSequences.Queued)
        {
            var message = EventCodec.Parse(envelope);
            if (message.Event?.Queued is { } queued)
                Add(message.Tenant, envelope.JobId, queued.DeadlineUnixMs);
        }
    }

    public void End(string jobId)
    {
        if (_tenantOf.TryRemove(jobId, out var tenant) && _byTenant.TryGetValue(tenant, out var jobs))
            jobs.TryRemove(jobId, out _);
    }

    private void Add(string tenant, string jobId, long deadlineUnixMs)
    {
        long now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        long expires = deadlineUnixMs > 0 ? deadlineUnixMs + (long)Grace.TotalMilliseconds : now + (long)MaxAge.TotalMilliseconds;
        if (expires < now)
            return; // replayed from the stream: long over, whatever its end
        _tenantOf[jobId] = tenant;
        _byTenant.GetOrAdd(tenant, _ => new(StringComparer.Ordinal))[jobId] = expires;
    }
}
