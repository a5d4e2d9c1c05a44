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

    public int MaxIdempotencyKeyLength { get; init; } = 128;

    public int MaxTensorElements { get; init; } = 3 * 1024 * 1024;

    /// <summary>Longest side of a HEATMAP event's PNG overlay: a bigger picture is scaled down to it (aspect kept) before the heat is drawn.</summary>
    public int MaxOverlaySide { get; init; } = 1024;
}
