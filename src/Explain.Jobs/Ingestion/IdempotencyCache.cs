using System.Collections.Concurrent;
using System.Security.Cryptography;
using Explain.V1;
using Google.Protobuf;

namespace Explain.Jobs.Ingestion;

/// <summary>
/// Idempotency keys seen by this ingestion process: key → (request fingerprint, ticket), kept for
/// <see cref="Retention"/> and at most <see cref="Capacity"/> keys. Concurrent submissions with one
/// key share one job (the first reserves the key). Per process: replicas behind a load balancer
/// need sticky routing by key, or a shared store (not built).
/// </summary>
public sealed class IdempotencyCache
{
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    public const int Capacity = 100_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _added;

    /// <summary>Runs <paramref name="submit"/> once per key; later calls with the key get its ticket marked duplicate.</summary>
    public async Task<JobTicket> GetOrSubmitAsync(ExplainRequest request, Func<Task<JobTicket>> submit)
    {
        string fingerprint = Convert.ToHexString(SHA256.HashData(request.ToByteArray()));
        var mine = new Entry(fingerprint, DateTimeOffset.UtcNow, new Lazy<Task<JobTicket>>(submit));
        var entry = _entries.GetOrAdd(request.IdempotencyKey, mine);
        if (entry.Fingerprint != fingerprint)
            throw JobRejectedException.Invalid("idempotency_key_reused", "idempotency_key was used with a different request");
        try
        {
            var ticket = await entry.Ticket.Value;
            return ReferenceEquals(entry, mine) ? ticket : new JobTicket(ticket) { Duplicate = true };
        }
        catch
        {
            _entries.TryRemove(new KeyValuePair<string, Entry>(request.IdempotencyKey, entry));
            throw;
        }
        finally
        {
            if (ReferenceEquals(entry, mine))
                Trim();
        }
    }

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
