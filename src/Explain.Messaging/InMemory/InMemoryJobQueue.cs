namespace Explain.Messaging;

using System.Runtime.CompilerServices;

/// <summary>
/// A bounded in-process work queue with the semantics of the RabbitMQ quorum queue: competing
/// consumers, prefetch, manual ack, redelivery of what a consumer held when it went away
/// (DeliveryCount + 1), and dead-lettering once a job has failed <c>DeliveryLimit</c> deliveries.
/// </summary>
public sealed class InMemoryJobQueue : IJobQueue
{
    private readonly object _gate = new();
    private readonly LinkedList<QueuedJob> _ready = new();
    private readonly InMemoryJobQueue? _deadLetterQueue;
    private readonly int _capacity;
    private readonly long _maxBytes;
    private readonly int _deliveryLimit;
    private long _readyBytes;
    private TaskCompletionSource _changed = NewSignal();
    private bool _closed;

    internal InMemoryJobQueue(int capacity, long maxBytes, int deliveryLimit, InMemoryJobQueue? deadLetterQueue)
    {
        _capacity = capacity;
        _maxBytes = maxBytes;
        _deliveryLimit = deliveryLimit;
        _deadLetterQueue = deadLetterQueue;
    }

    /// <summary>Jobs waiting for a consumer (capacity counts these, as RabbitMQ's x-max-length does).</summary>
    public int ReadyCount
    {
        get { lock (_gate) return _ready.Count; }
    }

    /// <summary>Body bytes of the jobs waiting (the byte bound counts these, as RabbitMQ's x-max-length-bytes does).</summary>
    public long ReadyBytes
    {
        get { lock (_gate) return _readyBytes; }
    }

    /// <summary>Dead-lettered jobs not yet consumed from the dead-letter queue, oldest first.</summary>
    public IReadOnlyList<JobEnvelope> DeadLetters => _deadLetterQueue?.Snapshot() ?? [];

    public Task PublishAsync(JobEnvelope job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (_ready.Count >= _capacity)
                throw new QueueFullException($"The job queue is full ({_capacity} jobs waiting); job {job.JobId} was rejected.");
            if (_readyBytes + job.Body.Length > _maxBytes)
                throw new QueueFullException($"The job queue is full ({_readyBytes} of {_maxBytes} bytes waiting, the job has {job.Body.Length}); job {job.JobId} was rejected.");
            AddLocked(new QueuedJob(job with { Headers = TraceContext.Inject(job.Headers) }, 0), last: true);
            PulseLocked();
        }
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<JobDelivery> ConsumeAsync(int prefetch, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(prefetch, 1);
        var held = new HashSet<InMemoryDelivery>();
        try
        {
            while (true)
            {
                InMemoryDelivery? delivery;
                Task changed;
                lock (_gate)
                {
                    if (_closed)
                        yield break;
                    delivery = held.Count < prefetch ? TakeLocked(held) : null;
                    changed = _changed.Task;
                }
                if (delivery is null)
                {
                    await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }
                yield return delivery;
            }
        }
        finally
        {
            // NOTE: like a closed AMQP channel, an ended enumeration returns every un-acked job.
            lock (_gate)
            {
                foreach (var delivery in held)
                {
                    delivery.Returned = true;
                    ReturnLocked(delivery.Queued);
                }
                held.Clear();
                PulseLocked();
            }
        }
    }

    public IAsyncEnumerable<JobDelivery> ConsumeDeadLettersAsync(CancellationToken cancellationToken) =>
        _deadLetterQueue?.ConsumeAsync(16, cancellationToken) ?? throw new NotSupportedException("A dead-letter queue has no dead-letter queue.");

    internal void Settle(InMemoryDelivery delivery, bool ack, bool requeue)
    {
        lock (_gate)
        {
            if (delivery.Returned)
                return; // as on the broker after a lost channel: the job is back in the queue, the settle is moot
            if (!delivery.Holder.Remove(delivery))
                throw new InvalidOperationException($"Job {delivery.Job.JobId} was already acked or rejected.");
            if (!ack && requeue)
                ReturnLocked(delivery.Queued);
            else if (!ack)
                DeadLetterLocked(delivery.Job);
            PulseLocked(); // an ack frees a slot of the consumer's prefetch window
        }
    }

    private IReadOnlyList<JobEnvelope> Snapshot()
    {
        lock (_gate)
            return _ready.Select(q => q.Job).ToArray();
    }

    /// <summary>Without a dead-letter queue (the dead-letter queue itself) the job is dropped, as by the broker.</summary>
    private void DeadLetterLocked(JobEnvelope job) => _deadLetterQueue?.Append(job);

    private void Append(JobEnvelope job)
    {
        lock (_gate)
        {
            AddLocked(new QueuedJob(job, 0), last: true);
            PulseLocked();
        }
    }

    internal void Close()
    {
        _deadLetterQueue?.Close();
        lock (_gate)
        {
            _closed = true;
            PulseLocked();
        }
    }

    private InMemoryDelivery? TakeLocked(HashSet<InMemoryDelivery> held)
    {
        if (_ready.First is not { } first)
            return null;
        _ready.RemoveFirst();
        _readyBytes -= first.Value.Job.Body.Length;
        var delivery = new InMemoryDelivery(this, held, first.Value);
        held.Add(delivery);
        return delivery;
    }

    private void ReturnLocked(QueuedJob queued)
    {
        var failed = queued.FailedDeliveries + 1;
        if (failed >= _deliveryLimit)
            DeadLetterLocked(queued.Job);
        else
            AddLocked(new QueuedJob(queued.Job, failed), last: false); // NOTE: returned jobs skip the capacity checks, as on the broker.
    }

    private void AddLocked(QueuedJob queued, bool last)
    {
        if (last)
            _ready.AddLast(queued);
        else
            _ready.AddFirst(queued);
        _readyBytes += queued.Job.Body.Length;
    }

    private void PulseLocked()
    {
        _changed.TrySetResult();
        _changed = NewSignal();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
