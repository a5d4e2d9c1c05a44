namespace Explain.Messaging;

/// <summary>A work queue of explanation jobs: at-least-once, manual acknowledgement, bounded.</summary>
public interface IJobQueue
{
    /// <summary>Publishes a job durably (publisher confirm awaited).</summary>
    /// <exception cref="QueueFullException">The bounded queue rejected the job (backpressure).</exception>
    Task PublishAsync(JobEnvelope job, CancellationToken cancellationToken);

    /// <summary>Deliveries for this consumer, at most <paramref name="prefetch"/> unacknowledged at a time.</summary>
    IAsyncEnumerable<JobDelivery> ConsumeAsync(int prefetch, CancellationToken cancellationToken);

    /// <summary>
    /// Jobs that were rejected without requeue or failed the delivery limit (the dead-letter queue),
    /// so that one consumer can end them FAILED instead of leaving them unanswered.
    /// </summary>
    IAsyncEnumerable<JobDelivery> ConsumeDeadLettersAsync(CancellationToken cancellationToken);
}
