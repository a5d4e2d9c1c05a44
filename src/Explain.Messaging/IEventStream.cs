namespace Explain.Messaging;

/// <summary>An append-only, replayable log of job events that every subscriber sees in full.</summary>
public interface IEventStream
{
    /// <summary>
    /// Appends an event; the task completes when the log has it durably (publisher confirm).
    /// Events are appended in the order of the calls, so a publisher may start several and await
    /// them later; after a lost connection a re-sent event may come after later ones.
    /// </summary>
    Task PublishAsync(JobEventEnvelope jobEvent, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="PublishAsync"/> in two steps: the outer task completes once the event is handed to the broker
    /// connection (its place among this stream's events is fixed, and a message sent on the same connection
    /// afterwards goes out behind it), the inner one when the log has it durably. Ingestion sends QUEUED this
    /// way before the job, so no worker's STARTED can reach the stream ahead of the job's QUEUED.
    /// </summary>
    Task<Task> SendAsync(JobEventEnvelope jobEvent, CancellationToken cancellationToken) => Task.FromResult(PublishAsync(jobEvent, cancellationToken));

    /// <summary>
    /// Every event from the start of the retained log, then new ones as they arrive, each with its
    /// <see cref="JobEventEnvelope.Offset"/>; with <paramref name="sequences"/>, only events whose
    /// sequence it accepts (the others are skipped before their body is copied: a subscriber that
    /// needs a few kinds does not pay for the rest).
    /// </summary>
    IAsyncEnumerable<JobEventEnvelope> SubscribeAsync(CancellationToken cancellationToken, Func<long, bool>? sequences = null);

    /// <summary>
    /// <see cref="SubscribeAsync(CancellationToken, Func{long, bool}?)"/>, and <paramref name="caughtUp"/> called once when the
    /// subscription has handed out the retained log (the replay after a start or a reconnect) and is waiting for new
    /// events: in memory when it reaches the log's end; on RabbitMQ when the consumer, once registered, has had nothing
    /// to deliver for <see cref="CaughtUpIdle"/> (the broker sends the retained log without pause while the subscriber
    /// keeps up, so a pause that long means the log's end).
    /// </summary>
    IAsyncEnumerable<JobEventEnvelope> SubscribeAsync(CancellationToken cancellationToken, Func<long, bool>? sequences, Action? caughtUp);

    /// <summary>How long a RabbitMQ stream consumer must have been idle to count as caught up.</summary>
    static TimeSpan CaughtUpIdle => TimeSpan.FromMilliseconds(300);

    /// <summary>
    /// The events at <paramref name="offsets"/> (ascending, each an <see cref="JobEventEnvelope.Offset"/>
    /// this stream handed out), in that order, read again from the log; an event retention has
    /// removed since is left out, so a caller compares offsets to learn what is gone.
    /// </summary>
    IAsyncEnumerable<JobEventEnvelope> ReadAsync(IReadOnlyList<long> offsets, CancellationToken cancellationToken);
}
