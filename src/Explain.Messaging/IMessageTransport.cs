namespace Explain.Messaging;

/// <summary>
/// How jobs travel from ingestion to workers and events from workers to results. One interface,
/// two transports: in-memory (the embedded `explain serve` default) and RabbitMQ (a quorum queue
/// for jobs, a stream for events, a small stream for control messages).
/// </summary>
public interface IMessageTransport : IAsyncDisposable
{
    IJobQueue Jobs { get; }

    /// <summary>The jobs' events, heatmaps included: what results and Explain streams serve.</summary>
    IEventStream Events { get; }

    /// <summary>
    /// Small messages for the workers (cancel requests, job-ended markers): every worker follows
    /// it, so it must not carry the events' heavy bodies through the broker once per worker.
    /// </summary>
    IEventStream Control { get; }

    /// <summary>Whether messages can travel now (the broker connection is open); readiness probes report it.</summary>
    bool IsConnected { get; }
}
