namespace Explain.Telemetry;

/// <summary>
/// Histogram bucket boundaries for durations in seconds. The SDK's default boundaries
/// (0, 5, 10, … 10000) suit milliseconds; an explanation job takes from ~10 ms to minutes.
/// </summary>
public static class TelemetryBuckets
{
    public static IReadOnlyList<double> Seconds { get; } =
        [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60, 120, 300];
}
