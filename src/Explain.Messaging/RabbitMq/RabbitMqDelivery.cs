namespace Explain.Messaging;

using RabbitMQ.Client;

/// <summary>A job delivered on a consumer's channel; settled by delivery tag on that channel.</summary>
/// <remarks>
/// After a connection recovery the broker has already returned the job; the client library then
/// ignores an ack or reject of a tag from before the recovery, and the job comes again.
/// </remarks>
internal sealed class RabbitMqDelivery(IChannel channel, ulong deliveryTag, JobEnvelope job, int deliveryCount) : JobDelivery
{
    public override JobEnvelope Job => job;

    public override int DeliveryCount => deliveryCount;

    private int _settled;

    public override Task AckAsync()
    {
        MarkSettled();
        return channel.BasicAckAsync(deliveryTag, multiple: false).AsTask();
    }

    public override Task RejectAsync(bool requeue)
    {
        MarkSettled();
        return channel.BasicRejectAsync(deliveryTag, requeue).AsTask();
    }

    /// <summary>A second ack of a tag would make the broker close the channel (PRECONDITION_FAILED): refuse it here.</summary>
    private void MarkSettled()
    {
        if (Interlocked.Exchange(ref _settled, 1) != 0)
            throw new InvalidOperationException($"Job {job.JobId} was already acked or rejected.");
    }
}
