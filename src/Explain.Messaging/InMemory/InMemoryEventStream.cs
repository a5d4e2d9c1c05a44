namespace Explain.Messaging;

using System.Runtime.CompilerServices;

/// <summary>
/// An in-process event log with retention: each subscriber replays what is retained, then follows
/// it. Events older than the retention age go, and the oldest go while the log holds more bytes
/// or events than allowed (never the newest one), checked at each publish and read. A subscriber
/// that falls behind a trim continues at the oldest retained event, as on a RabbitMQ stream.
/// </summary>
public sealed class InMemoryEventStream : IEventStream
{
    private readonly object _gate = new();
    private readonly List<Entry> _log = [];
    private readonly EventRetention _retention;
    private readonly TimeProvider _time;
    private int _first; // index in _log of the oldest retained event; the ones before it are trimmed
    private long _firstOffset;
    private long _bytes;
    private TaskCompletionSource _appended = NewSignal();
    private bool _closed;

    public InMemoryEventStream(EventRetention? retention = null, TimeProvider? time = null)
    {
        _retention = retention ?? EventRetention.InMemoryDefault;
        _retention.Validate();
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Events retained now.</summary>
    public int Count
    {
        get { lock (_gate) return _log.Count - _first; }
    }

    /// <summary>Bytes of the retained events' bodies.</summary>
    public long Bytes
    {
        get { lock (_gate) return _bytes; }
    }

    /// <summary>The offset of the oldest retained event (the next one's, when none is retained).</summary>
    public long FirstOffset
    {
        get { lock (_gate) { TrimLocked(); return _firstOffset; } }
    }

    public Task PublishAsync(JobEventEnvelope jobEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobEvent);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            long offset = _firstOffset + (_log.Count - _first);
            _log.Add(new Entry(jobEvent with { Headers = TraceContext.Inject(jobEvent.Headers), Offset = offset }, _time.GetUtcNow()));
            _bytes += jobEvent.Body.Length;
            TrimLocked();
            _appended.TrySetResult();
            _appended = NewSignal();
        }
        return Task.CompletedTask;
    }

    public IAsyncEnumerable<JobEventEnvelope> SubscribeAsync(CancellationToken cancellationToken, Func<long, bool>? sequences = null) =>
        SubscribeAsync(cancellationToken, sequences, null);

    public async IAsyncEnumerable<JobEventEnvelope> SubscribeAsync([EnumeratorCancellation] CancellationToken cancellationToken, Func<long, bool>? sequences, Action? caughtUp)
    {
        for (long next = -1; ; next++)
        {
            JobEventEnvelope? jobEvent;
            Task? appended;
            while ((jobEvent = TryRead(ref next, out appended)) is null)
            {
                if (appended is null)
                    yield break;
                // The log's end: everything retained has been handed out.
                caughtUp?.Invoke();
                caughtUp = null;
                await appended.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            if (sequences is null || sequences(jobEvent.Sequence))
                yield return jobEvent;
        }
    }

    public async IAsyncEnumerable<JobEventEnvelope> ReadAsync(IReadOnlyList<long> offsets, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(offsets);
        foreach (long offset in offsets)
        {
            cancellationToken.ThrowIfCancellationRequested();
            JobEventEnvelope? jobEvent;
            lock (_gate)
            {
                TrimLocked();
                long index = _first + (offset - _firstOffset);
                jobEvent = offset >= _firstOffset && index < _log.Count ? _log[(int)index].Event : null;
            }
            if (jobEvent is not null)
                yield return jobEvent;
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }

    internal void Close()
    {
        lock (_gate)
        {
            _closed = true;
            _appended.TrySetResult();
        }
    }

    /// <summary>The event at <paramref name="next"/> (-1: the oldest retained), moved up to the oldest retained one when it was trimmed.</summary>
    private JobEventEnvelope? TryRead(ref long next, out Task? appended)
    {
        lock (_gate)
        {
            TrimLocked();
            next = Math.Max(next, _firstOffset);
            long index = _first + (next - _firstOffset);
            appended = _closed ? null : _appended.Task;
            return index < _log.Count ? _log[(int)index].Event : null;
        }
    }

    private void TrimLocked()
    {
        var oldestAllowed = _time.GetUtcNow() - _retention.MaxAge;
        while (_log.Count - _first > 1)
        {
            var oldest = _log[_first];
            if (_log.Count - _first <= _retention.MaxEvents && _bytes <= _retention.MaxBytes && oldest.Appended >= oldestAllowed)
                break;
            RemoveOldestLocked();
        }
        if (_log.Count - _first == 1 && _log[_first].Appended < oldestAllowed)
            RemoveOldestLocked();
        if (_first > 1024 && _first > _log.Count / 2)
        {
            _log.RemoveRange(0, _first);
            _first = 0;
        }
    }

    private void RemoveOldestLocked()
    {
        _bytes -= _log[_first].Event.Body.Length;
        _log[_first] = default;
        _first++;
        _firstOffset++;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly record struct Entry(JobEventEnvelope Event, DateTimeOffset Appended);
}
