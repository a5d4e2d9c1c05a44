using System.Collections.Concurrent;

namespace Explain.Jobs.Worker;

/// <summary>
/// What a worker learns from the events stream: which jobs were asked to stop and which already
/// ended (a redelivered finished job is acknowledged without re-running it). Running jobs register
/// a token source that a cancel request trips. Remembers the last <see cref="Capacity"/> job ids.
/// </summary>
public sealed class JobControl
{
    public const int Capacity = 200_000;

    private readonly ConcurrentDictionary<string, byte> _cancelled = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _finished = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string JobId, bool Cancel)> _order = new();

    public bool IsCancelled(string jobId) => _cancelled.ContainsKey(jobId);

    public bool IsFinished(string jobId) => _finished.ContainsKey(jobId);

    public void CancelRequested(string jobId)
    {
        if (_cancelled.TryAdd(jobId, 0))
            Remember(jobId, cancel: true);
        if (_running.TryGetValue(jobId, out var running))
            running.Cancel();
    }

    public void Finished(string jobId)
    {
        if (_finished.TryAdd(jobId, 0))
            Remember(jobId, cancel: false);
    }

    /// <summary>A token tripped by a cancel request for the job (or at once if one came already); dispose the registration at the end.</summary>
    public CancellationTokenSource Register(string jobId)
    {
        var source = new CancellationTokenSource();
        _running[jobId] = source;
        if (IsCancelled(jobId))
            source.Cancel();
        return source;
    }

    public void Unregister(string jobId, CancellationTokenSource source)
    {
        _running.TryRemove(new KeyValuePair<string, CancellationTokenSource>(jobId, source));
        source.Dispose();
    }

    private void Remember(string jobId, bool cancel)
    {
        _order.Enqueue((jobId, cancel));
        while (_order.Count > Capacity && _order.TryDequeue(out var old))
            (old.Cancel ? _cancelled : _finished).TryRemove(old.JobId, out _);
    }
}
