using Explain.Cam.Backends;

namespace Explain.Jobs;

/// <summary>Configuration shared by the three services (hosts read it from the command line).</summary>
public sealed record JobsOptions
{
    /// <summary>The model store folder (NAME/model.onnx + NAME/model.json).</summary>
    public required string ModelStore { get; init; }

    public JobLimits Limits { get; init; } = JobLimits.Default;

    /// <summary>Jobs a worker runs at once; also its prefetch.</summary>
    public int WorkerConcurrency { get; init; } = 1;

    /// <summary>Compute threads per explanation (0: all cores).</summary>
    public int ThreadsPerJob { get; init; }

    /// <summary>The execution backend and device workers run models on (ONNX Runtime on the CPU by default); threads come from <see cref="ThreadsPerJob"/>.</summary>
    public BackendOptions Backend { get; init; } = BackendOptions.Default;

    /// <summary>Idle explainers (loaded models with their sessions) a worker keeps.</summary>
    public int ModelCacheCapacity { get; init; } = 4;

    /// <summary>A job delivered more often than this (its workers kept dying) ends FAILED.</summary>
    public int MaxDeliveries { get; init; } = 3;

    /// <summary>How long Watch waits for a job id it has never seen before answering NOT_FOUND.</summary>
    public TimeSpan WatchGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Jobs results keeps; the oldest are forgotten beyond this (retention by count, both transports).</summary>
    public int MaxRetainedJobs { get; init; } = 10_000;

    /// <summary>
    /// What the events stream keeps (age, bytes, events); results forgets a job once it is older
    /// than the age or once the jobs after it fill the bytes, so it answers NOT_FOUND before its
    /// heatmaps leave the stream. Hosts set it from --retention-age / --retention-mb.
    /// </summary>
    public Messaging.EventRetention Retention { get; init; } = Messaging.EventRetention.InMemoryDefault;

    /// <summary>
    /// Bytes of events one Watch (or Explain) stream reads from the stream ahead of its client
    /// (at least one event): its buffer. A client that leaves it unread for <see cref="WatchStallTimeout"/>
    /// is ended with RESOURCE_EXHAUSTED.
    /// </summary>
    public long WatchBufferBytes { get; init; } = 16L << 20;

    /// <summary>
    /// Body bytes of the most recent heavy events the results index also keeps in memory (oldest
    /// dropped first), so live watchers need no read from the stream; 0 turns it off.
    /// </summary>
    public long RecentPayloadBytes { get; init; } = 32L << 20;

    /// <summary>How long a Watch stream waits for its client to accept a buffered event before it ends the stream.</summary>
    public TimeSpan WatchStallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock retention ages are measured on (tests move it).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Tenants that get their own <c>tenant</c> label on job metrics; later ones are "other" (<see cref="TenantLabels"/>).</summary>
    public int MaxTenantLabels { get; init; } = 20;

    /// <summary>Name of this worker in STARTED events.</summary>
    public string WorkerName { get; init; } = $"{Environment.MachineName}:{Environment.ProcessId}";
}
