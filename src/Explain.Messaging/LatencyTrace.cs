namespace Explain.Messaging;

/// <summary>SCRATCH (not for main): wall-clock stamps of a job's steps, one line per stamp, to $EXPLAIN_LATENCY_TRACE.</summary>
public static class LatencyTrace
{
    private static readonly string? Path = Environment.GetEnvironmentVariable("EXPLAIN_LATENCY_TRACE");
    private static readonly object Gate = new();

    public static double NowUs() => (DateTime.UtcNow - DateTime.UnixEpoch).Ticks / 10.0;

    public static void Mark(string jobId, string step, double? atUs = null)
    {
        if (Path is null)
            return;
        double t = atUs ?? NowUs();
        lock (Gate)
            File.AppendAllText(Path + "." + Environment.ProcessId, $"{jobId} {step} {t:F0}\n");
    }
}
