using Explain.V1;

namespace Explain.Jobs.Results;

/// <summary>
/// The most recent heavy events by stream offset, at most a fixed number of body bytes, oldest
/// dropped first: what live Watch streams read instead of going back to the events stream. A job
/// watched while it runs gets its heatmaps from here; replays of older jobs read the stream.
/// </summary>
public sealed class RecentPayloads(long maxBytes)
{
    private readonly object _gate = new();
    private readonly Dictionary<long, (JobEvent Event, int Bytes)> _byOffset = [];
    private readonly Queue<long> _order = new();
    private long _bytes;

    /// <summary>Body bytes held now (at most the bound).</summary>
    public long Bytes
    {
        get { lock (_gate) return _bytes; }
    }

    public void Add(long offset, JobEvent jobEvent, int bytes)
    {
        if (bytes > maxBytes)
            return;
        lock (_gate)
        {
            if (!_byOffset.TryAdd(offset, (jobEvent, bytes)))
                return;
            _order.Enqueue(offset);
            _bytes += bytes;
            while (_bytes > maxBytes && _order.TryDequeue(out long oldest))
                if (_byOffset.Remove(oldest, out var dropped))
                    _bytes -= dropped.Bytes;
        }
    }

    /// <summary>The event at <paramref name="offset"/> if it is still held (shared: clone before changing it).</summary>
    public JobEvent? Get(long offset)
    {
        lock (_gate)
            return _byOffset.TryGetValue(offset, out var held) ? held.Event : null;
    }
}
