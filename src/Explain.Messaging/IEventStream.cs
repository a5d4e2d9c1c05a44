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
    /// Every event from the start of the retained log, then new ones as they arrive; with
    /// <paramref name="sequences"/>, only events whose sequence it accepts (the others are skipped
    /// before their body is copied: a subscriber that needs a few kinds does not pay for the rest).
    /// </summary>
    IAsyncEnumerable<JobEventEnvelope> SubscribeAsync(CancellationToken cancellationToken, Func<long, bool>? sequences = null);
}
