using System.Collections.Concurrent;
using System.Security.Cryptography;
using Explain.Internal.V1;
using Explain.Jobs.Results;
using Explain.V1;
using Google.Protobuf;

namespace Explain.Jobs.Ingestion;

/// <summary>
/// Idempotency keys: key → (request fingerprint, ticket). A key is looked up first in the results
/// index, which learns every key from the QUEUED events on the stream — so a retry that lands on
/// another ingestion replica, or on this one after a restart, gets the same job for as long as the
/// stream and the index keep it. Then in this process's own table, kept for <see cref="Retention"/>
/// and at most <see cref="Capacity"/> keys, where concurrent submissions with one key share one
/// job (the first reserves the key). Two replicas given one key within the time QUEUED takes to
/// reach them (about a millisecond) can still both create a job. While the index is still replaying the
/// stream (after a start), a key it has not reached waits for the replay (<see cref="ReplayWait"/>), then is
/// UNAVAILABLE with RetryInfo rather than a possible second job.
/// </summary>
public sealed class IdempotencyCache(ResultsIndex index)
{
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    public const int Capacity = 100_000;

    /// <summary>How long a submission with a key waits for the results index's replay to end before it is UNAVAILABLE.</summary>
    public TimeSpan ReplayWait { get; set; } = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _added;

    /// <summary>Runs <paramref name="submit"/> once per key (with the claim to put on QUEUED); later calls with the key get its ticket marked duplicate.</summary>
    /// <remarks>Keys are per tenant: two tenants using one key get two jobs (the claim's key is "tenant/key").</remarks>
    public async Task<JobTicket> GetOrSubmitAsync(ExplainRequest request, string tenant, Func<IdempotencyClaim, Task<JobTicket>> submit)
    {
        string fingerprint = Convert.ToHexString(SHA256.HashData(request.ToByteArray()));
        string key = tenant.Length == 0 ? request.IdempotencyKey : tenant + "/" + request.IdempotencyKey;
        var known = index.FindByIdempotencyKey(key);
        // A key the index has not seen while it is still replaying may be in the part of the stream not read yet:
        // creating a job now could run a retried request twice. Wait for the replay (seconds after a start), then
        // look again; a replay that takes longer is UNAVAILABLE with RetryInfo, and the client retries.
        if (known is null && index.Replaying && !_entries.ContainsKey(key))
        {
            if (!await index.WaitForReplayAsync(ReplayWait))
                throw new JobRejectedException(ErrorKind.Unavailable, "results_replaying",
                    "this ingestion replica is still replaying the events stream and cannot tell yet whether idempotency_key was used; retry")
                { RetryAfter = ResultsIndex.ReplayRetryAfter };
            known = index.FindByIdempotencyKey(key);
        }
        if (known is not null)
        {
            if (known.Fingerprint != fingerprint)
                throw Reused();
            return new JobTicket { JobId = known.Job.JobId, State = known.Job.State, SubmittedUnixMs = known.SubmittedUnixMs, Duplicate = true };
        }

        var claim = new IdempotencyClaim { Key = key, Fingerprint = fingerprint };
        var mine = new Entry(fingerprint, DateTimeOffset.UtcNow, new Lazy<Task<JobTicket>>(() => submit(claim)));
        var entry = _entries.GetOrAdd(key, mine);
        if (entry.Fingerprint != fingerprint)
            throw Reused();
        try
        {
            var ticket = await entry.Ticket.Value;
            return ReferenceEquals(entry, mine) ? ticket : new JobTicket(ticket) { Duplicate = true };
        }
        catch
        {
            _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
            throw;
        }
        finally
        {
            if (ReferenceEquals(entry, mine))
                Trim();
        }
    }

    private static JobRejectedException Reused() =>
        JobRejectedException.Invalid("idempotency_key_reused", "idempotency_key was used with a different request", "idempotency_key");

    /// <summary>Every 1024 new keys (and whenever over capacity), drops expired keys, then the oldest beyond capacity.</summary>
    private void Trim()
    {
        if (Interlocked.Increment(ref _added) % 1024 != 0 && _entries.Count <= Capacity)
            return;
        var cutoff = DateTimeOffset.UtcNow - Retention;
        var byAge = _entries.OrderBy(e => e.Value.Created).ToList();
        int excess = byAge.Count - Capacity;
        foreach (var (key, entry) in byAge)
        {
            if (entry.Created >= cutoff && excess <= 0)
                break;
            _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
            excess--;
        }
    }

    private sealed record Entry(string Fingerprint, DateTimeOffset Created, Lazy<Task<JobTicket>> Ticket);
}
