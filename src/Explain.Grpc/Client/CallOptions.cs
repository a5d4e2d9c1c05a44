namespace Explain.Grpc.Client;

/// <summary>Per-call settings. Immutable; interceptors derive changed copies with <c>with</c>.</summary>
public sealed record CallOptions
{
    public static CallOptions Default { get; } = new();

    /// <summary>Request metadata; "-bin" keys are sent base64-encoded.</summary>
    public Metadata? Headers { get; init; }

    /// <summary>Absolute UTC deadline; sent as grpc-timeout and enforced locally.</summary>
    public DateTime? Deadline { get; init; }

    public CancellationToken CancellationToken { get; init; }

    /// <summary>Marks the call safe to repeat: unary calls are then retried on UNAVAILABLE.</summary>
    public bool IsIdempotent { get; init; }

    /// <summary>Compression for request messages ("gzip" or null).</summary>
    public string? WriteCompression { get; init; }

    /// <summary>Convenience: a deadline this far from now.</summary>
    public CallOptions WithTimeout(TimeSpan timeout) => this with { Deadline = DateTime.UtcNow + timeout };
}
