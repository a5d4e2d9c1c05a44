namespace Explain.Messaging;

/// <summary>
/// How long and how much an event stream keeps: events older than <see cref="MaxAge"/> go, and
/// the oldest go while the stream holds more than <see cref="MaxBytes"/> of bodies or more than
/// <see cref="MaxEvents"/> events. The RabbitMQ stream applies age and bytes itself (x-max-age,
/// x-max-length-bytes, a segment at a time); a stream has no count limit, so there the results
/// index bounds the count by jobs (<c>JobsOptions.MaxRetainedJobs</c>).
/// </summary>
public sealed record EventRetention
{
    /// <summary>The in-memory transport's default: a day, 256 MiB, 200 000 events (it lives in the process's memory).</summary>
    public static EventRetention InMemoryDefault { get; } = new() { MaxAge = TimeSpan.FromDays(1), MaxBytes = 256L << 20, MaxEvents = 200_000 };

    /// <summary>The RabbitMQ events stream's default: a day and 1 GiB on the broker's disk.</summary>
    public static EventRetention BrokerDefault { get; } = new() { MaxAge = TimeSpan.FromDays(1), MaxBytes = 1L << 30, MaxEvents = long.MaxValue };

    public TimeSpan MaxAge { get; init; } = TimeSpan.FromDays(1);

    public long MaxBytes { get; init; } = 256L << 20;

    public long MaxEvents { get; init; } = 200_000;

    /// <summary>Throws when a limit is not positive.</summary>
    public void Validate()
    {
        if (MaxAge <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(MaxAge), MaxAge, "retention age must be positive");
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBytes, 1, nameof(MaxBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxEvents, 1, nameof(MaxEvents));
    }
}
