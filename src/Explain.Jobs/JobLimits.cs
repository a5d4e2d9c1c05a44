using Explain.Imaging;

namespace Explain.Jobs;

/// <summary>The explicit limits of the public API (documented in protos/explain/v1/explainer.proto).</summary>
public sealed record JobLimits
{
    public static JobLimits Default { get; } = new();

    /// <summary>Largest request message the server accepts (larger: RESOURCE_EXHAUSTED from the transport).</summary>
    public int MaxRequestBytes { get; init; } = 16 << 20;

    /// <summary>Image bytes and pixels; over them the request is INVALID_ARGUMENT (it can never succeed).</summary>
    public ImageLimits Image { get; init; } = new(16L << 20, 40_000_000);

    public int MaxMethods { get; init; } = 16;

    public int MaxClasses { get; init; } = 16;

    public int MaxTopK { get; init; } = 20;

    public int MaxLayers { get; init; } = 4;

    /// <summary>Images of one batch job (ExplainRequest.images): one forward and one backward pass for all of them.</summary>
    public int MaxBatchImages { get; init; } = 8;

    /// <summary>Extra inputs of a multi-input model per image (ExplainRequest.extra_inputs).</summary>
    public int MaxExtraInputs { get; init; } = 4;

    /// <summary>Elements of one extra input tensor.</summary>
    public int MaxExtraInputElements { get; init; } = 1 << 20;

    public int MaxIdempotencyKeyLength { get; init; } = 128;

    /// <summary>Request metadata (headers) per call, counted as name + value + 32 bytes per entry; over it the call fails RESOURCE_EXHAUSTED (Hosting/MetadataLimit.cs).</summary>
    public int MaxMetadataBytes { get; init; } = 32 << 10;

    public int MaxTensorElements { get; init; } = 3 * 1024 * 1024;

    /// <summary>Longest side of a HEATMAP event's PNG overlay: a bigger picture is scaled down to it (aspect kept) before the heat is drawn.</summary>
    public int MaxOverlaySide { get; init; } = 1024;

    /// <summary>Largest estimated cost of one job, in GFLOP (Admission/JobCost.cs gives the formula); over it RESOURCE_EXHAUSTED, never worth a retry.</summary>
    public double MaxJobGflop { get; init; } = 1_000;

    /// <summary>Each tenant's token bucket: refilled at this many GFLOP per second ...</summary>
    public double TenantGflopPerSecond { get; init; } = 100;

    /// <summary>... holding at most this many (a tenant's budget for a burst); at least <see cref="MaxJobGflop"/>.</summary>
    public double TenantBurstGflop { get; init; } = 5_000;

    /// <summary>Jobs of one tenant between QUEUED and their end.</summary>
    public int MaxConcurrentJobsPerTenant { get; init; } = 256;

    /// <summary>The deadline of a job submitted without one (and without a call deadline): this long after it was queued.</summary>
    public TimeSpan DefaultJobDeadline { get; init; } = TimeSpan.FromMinutes(10);

    /// <exception cref="ArgumentException">A limit out of range (a burst below the per-request maximum could never admit some jobs).</exception>
    public JobLimits Validated()
    {
        if (!(MaxJobGflop > 0) || !(TenantGflopPerSecond > 0) || MaxConcurrentJobsPerTenant < 1 || DefaultJobDeadline <= TimeSpan.Zero)
            throw new ArgumentException("the job cost maximum, tenant rate, tenant concurrency and default deadline must be positive");
        if (TenantBurstGflop < MaxJobGflop)
            throw new ArgumentException($"the tenant burst ({TenantBurstGflop} GFLOP) must be at least the per-job maximum ({MaxJobGflop} GFLOP)");
        return this;
    }
}
