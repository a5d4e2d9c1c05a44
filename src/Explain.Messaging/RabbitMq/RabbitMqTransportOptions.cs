namespace Explain.Messaging;

/// <summary>Broker address, names and limits of the RabbitMQ transport.</summary>
public sealed record RabbitMqTransportOptions
{
    public Uri Uri { get; init; } = new("amqp://guest:guest@localhost:5672/");

    /// <summary>Shown by the broker for the connection ("explain-worker").</summary>
    public string ClientName { get; init; } = "explain";

    public string JobQueue { get; init; } = "explain.jobs";

    public string DeadLetterExchange { get; init; } = "explain.dlx";

    public string DeadLetterQueue { get; init; } = "explain.jobs.dead";

    public string EventStream { get; init; } = "explain.events";

    /// <summary>Cancel requests and job-ended markers for the workers (small messages only).</summary>
    public string ControlStream { get; init; } = "explain.control";

    /// <summary>Jobs in the queue (x-max-length) before publishes are nacked (<see cref="QueueFullException"/>).</summary>
    /// <remarks>Approximate: a quorum queue switches to rejecting once it is over the limit, so a publish or a few concurrent ones get past it.</remarks>
    public int Capacity { get; init; } = 10_000;

    /// <summary>Body bytes of the jobs in the queue (x-max-length-bytes) before publishes are nacked, as approximate as <see cref="Capacity"/>.</summary>
    /// <remarks>RabbitMQ refuses to redeclare a queue with other arguments: a queue declared without this limit (an earlier version) must be deleted first, or the limit set by a policy.</remarks>
    public long MaxBytes { get; init; } = 256L << 20;

    /// <summary>How many times a job is delivered at most; when that many deliveries failed, it is dead-lettered.</summary>
    public int DeliveryLimit { get; init; } = 5;

    /// <summary>How long events stay in the stream (x-max-age), at a granularity of seconds.</summary>
    public TimeSpan EventRetention { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Also bounds the stream by size (x-max-length-bytes).</summary>
    public long EventRetentionBytes { get; init; } = 1L << 30;

    /// <summary>
    /// Size of the stream's segment files (x-stream-max-segment-size-bytes). The broker applies
    /// retention by removing whole segments, so the stream holds up to one segment more than
    /// <see cref="EventRetentionBytes"/>; RabbitMQ's default is 500 MB.
    /// </summary>
    public long EventSegmentBytes { get; init; } = 64L << 20;

    /// <summary>Pause between attempts when the broker is unreachable, at start and during recovery.</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a publish waits for a lost connection to come back before it fails.</summary>
    public TimeSpan PublishRecoveryTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
