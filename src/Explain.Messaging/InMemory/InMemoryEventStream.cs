namespace Explain.Messaging;

using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

/// <summary>An unbounded in-process event log: each subscriber replays it from the start, then follows it.</summary>
public sealed class InMemoryEventStream : IEventStream
{
    private readonly object _gate = new();
    private readonly List<JobEventEnvelope> _log = [];
    private TaskCompletionSource _appended = NewSignal();
    private bool _closed;

    /// <summary>Events appended so far.</summary>
    public int Count
    {
        get { lock (_gate) return _log.Count; }
    }

    public Task PublishAsync(JobEventEnvelope jobEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobEvent);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            _log.Add(jobEvent with { Headers = TraceContext.Inject(jobEvent.Headers) });
            _appended.TrySetResult();
            _appended = NewSignal();
        }
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<JobEventEnvelope> SubscribeAsync([EnumeratorCancellation] CancellationToken cancellationToken, Func<long, bool>? sequences = null)
    {
        for (var next = 0; ; next++)
        {
            JobEventEnvelope? jobEvent;
            while (!TryRead(next, out jobEvent, out var appended))
            {
                if (appended is null)
                    yield break;
                await appended.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            if (sequences is null || sequences(jobEvent.Sequence))
                yield return jobEvent;
        }
    }

    internal void Close()
    {
        lock (_gate)
        {
            _closed = true;
            _appended.TrySetResult();
        }
    }

    private bool TryRead(int index, [NotNullWhen(true)] out JobEventEnvelope? jobEvent, out Task? appended)
    {
        lock (_gate)
        {
            jobEvent = index < _log.Count ? _log[index] : null;
            appended = _closed ? null : _appended.Task;
            return jobEvent is not null;
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
