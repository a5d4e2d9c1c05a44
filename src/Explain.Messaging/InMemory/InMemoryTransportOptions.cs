namespace Explain.Messaging;

/// <summary>Limits of the in-memory transport; the same meaning as the RabbitMQ queue arguments.</summary>
public sealed class InMemoryTransportOptions
{
    /// <summary>Jobs waiting (not yet delivered) before <see cref="IJobQueue.PublishAsync"/> throws <see cref="QueueFullException"/>.</summary>
    public int Capacity { get; init; } = 10_000;

    /// <summary>Body bytes of the jobs waiting; a publish that would go over them throws <see cref="QueueFullException"/> (RabbitMQ's x-max-length-bytes).</summary>
    public long MaxBytes { get; init; } = 256L << 20;

    /// <summary>How many times a job is delivered at most; when that many deliveries failed, it is dead-lettered.</summary>
    public int DeliveryLimit { get; init; } = 5;

    /// <summary>What the events log keeps (the control log keeps the same): <see cref="EventRetention.InMemoryDefault"/> unless set.</summary>
    public EventRetention EventRetention { get; init; } = EventRetention.InMemoryDefault;

    /// <summary>The clock retention ages are measured on (tests move it).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
