namespace Explain.Messaging;

/// <summary>A job held by one in-memory consumer until it is acked or rejected.</summary>
internal sealed class InMemoryDelivery(InMemoryJobQueue queue, HashSet<InMemoryDelivery> holder, QueuedJob queued) : JobDelivery
{
    internal HashSet<InMemoryDelivery> Holder { get; } = holder;

    internal QueuedJob Queued { get; } = queued;

    /// <summary>Set (under the queue's lock) when the consumer ended and the job went back to the queue.</summary>
    internal bool Returned { get; set; }

    public override JobEnvelope Job => Queued.Job;

    public override int DeliveryCount => Queued.FailedDeliveries + 1;

    public override Task AckAsync()
    {
        queue.Settle(this, ack: true, requeue: false);
        return Task.CompletedTask;
    }

    public override Task RejectAsync(bool requeue)
    {
        queue.Settle(this, ack: false, requeue);
        return Task.CompletedTask;
    }
}
