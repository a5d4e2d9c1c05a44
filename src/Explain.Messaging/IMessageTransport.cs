namespace Explain.Messaging;

/// <summary>
/// How jobs travel from ingestion to workers and events from workers to results. One interface,
/// two transports: in-memory (the embedded `explain serve` default) and RabbitMQ (a quorum queue
/// for jobs, a stream for events).
/// </summary>
public interface IMessageTransport : IAsyncDisposable
{
    IJobQueue Jobs { get; }

    IEventStream Events { get; }
}
