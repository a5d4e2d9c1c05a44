using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;

namespace Explain.Telemetry;

/// <summary>What every Explain service exports and how its instruments are shaped on the way out.</summary>
public static class ExplainTelemetry
{
    /// <summary>
    /// Meters every service exports besides what the instrumentations add: ours, .NET's runtime
    /// meter ("System.Runtime", .NET 9+), ASP.NET Core hosting and Kestrel.
    /// </summary>
    public static IReadOnlyList<string> DefaultMeters { get; } =
        ["Explain.*", "System.Runtime", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel"];

    /// <summary>Trace sources of our own spans (the job's consumer span, one per compute stage).</summary>
    public const string TraceSources = "Explain.*";

    /// <summary>
    /// Explain durations run from ~10 ms to minutes; the SDK's default boundaries stop at 10000 (10 s
    /// in ms), which would put every slow job in +Inf and cap any quantile there. Duration histograms
    /// of Explain meters (unit "s", or "ms" scaled ×1000) get <see cref="TelemetryBuckets.Seconds"/>;
    /// an instrument that brings its own boundaries (InstrumentAdvice) keeps them.
    /// Gauges ending in ".count" would be exported as "*_count", which Prometheus reserves for
    /// histograms and summaries (promtool check metrics rejects it), so they get plural names.
    /// </summary>
    public static MetricStreamConfiguration? View(Instrument instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        if (instrument is Histogram<double> { Advice: null, Unit: "s" or "ms" } histogram
            && instrument.Meter.Name.StartsWith("Explain.", StringComparison.Ordinal))
        {
            var scale = histogram.Unit == "ms" ? 1000.0 : 1.0;
            return new ExplicitBucketHistogramConfiguration { Boundaries = [.. TelemetryBuckets.Seconds.Select(b => b * scale)] };
        }

        var rename = instrument.Name switch
        {
            "dotnet.timer.count" => "dotnet.timers",
            "dotnet.assembly.count" => "dotnet.assemblies",
            "dotnet.process.cpu.count" => "dotnet.process.cpus",
            "dotnet.thread_pool.thread.count" => "dotnet.thread_pool.threads",
            "process.thread.count" => "process.threads",
            "process.unix.file_descriptor.count" => "process.unix.file_descriptors",
            _ => null,
        };
        return rename is null ? null : new MetricStreamConfiguration { Name = rename };
    }
}
