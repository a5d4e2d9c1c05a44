namespace Explain.Messaging;

/// <summary>An append-only, replayable log of job events that every subscriber sees in full.</summary>
public interface IEventStream
{
    /// <summary>Appends an event (publisher confirm awaited).</summary>
    Task PublishAsync(JobEventEnvelope jobEvent, CancellationToken cancellationToken);

    /// <summary>Every event from the start of the retained log, then new ones as they arrive.</summary>
    IAsyncEnumerable<JobEventEnvelope> SubscribeAsync(CancellationToken cancellationToken);
}
