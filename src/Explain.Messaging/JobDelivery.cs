namespace Explain.Messaging;

/// <summary>A job handed to a consumer; it must be acknowledged (done) or rejected.</summary>
public abstract class JobDelivery
{
    public abstract JobEnvelope Job { get; }

    /// <summary>1 on first delivery; higher when the job was redelivered after a consumer died.</summary>
    public abstract int DeliveryCount { get; }

    /// <summary>The job is finished (its events are confirmed); remove it from the queue.</summary>
    /// <remarks>
    /// If the consumer ended or the connection was lost since the delivery, the job is already back in
    /// the queue: the ack is ignored and the job comes again (at-least-once). Settling twice throws.
    /// </remarks>
    public abstract Task AckAsync();

    /// <summary>Return the job to the queue (requeue; counts as a failed delivery) or send it to the dead-letter queue.</summary>
    public abstract Task RejectAsync(bool requeue);
}
