using System.Diagnostics.Metrics;
using Explain.Telemetry.Prometheus;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Explain.Telemetry;

/// <summary>
/// The process's meter provider (and tracer provider when OTLP is on): what is exported, under which
/// resource, read by Prometheus scrapes. One per host, disposed with it.
/// </summary>
public sealed class ExplainTelemetry : IDisposable
{
    /// <summary>Meters every service exports. "System.Runtime" is .NET 9+'s built-in GC, thread pool and memory meter.</summary>
    public static IReadOnlyList<string> DefaultMeters { get; } =
        ["Explain.*", "System.Runtime", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel"];

    private readonly MeterProvider _meterProvider;
    private readonly TracerProvider? _tracerProvider;

    public ExplainTelemetry(string serviceName, ExplainTelemetryOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        ArgumentNullException.ThrowIfNull(options);
        ServiceName = serviceName;
        ScrapeTimeout = options.ScrapeTimeout;
        Reader = new PrometheusMetricReader();
        var meters = BuildMeters(serviceName, options, Reader);
        _meterProvider = meters.Build();
        if (options.EnableOtlp)
        {
            _tracerProvider = Sdk.CreateTracerProviderBuilder()
                .ConfigureResource(r => ConfigureResource(r, serviceName, options))
                .AddSource("Explain.*")
                .AddOtlpExporter()
                .Build();
        }
    }

    public string ServiceName { get; }

    /// <summary>The reader behind <c>/metrics</c>.</summary>
    public PrometheusMetricReader Reader { get; }

    internal TimeSpan ScrapeTimeout { get; }

    /// <summary>Collects now and renders the Prometheus text.</summary>
    public string Scrape() => Reader.Scrape((int)ScrapeTimeout.TotalMilliseconds);

    public void Dispose()
    {
        _tracerProvider?.Dispose();
        _meterProvider.Dispose();
    }

    private static MeterProviderBuilder BuildMeters(string serviceName, ExplainTelemetryOptions options, MetricReader reader)
    {
        var builder = Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(r => ConfigureResource(r, serviceName, options))
            .AddMeter([.. DefaultMeters, .. options.AdditionalMeters])
            .AddView(View)
            .AddReader(reader);
        return options.EnableOtlp ? builder.AddOtlpExporter() : builder;
    }

    private static void ConfigureResource(ResourceBuilder resource, string serviceName, ExplainTelemetryOptions options) => resource
        .AddService(serviceName, serviceInstanceId: options.ServiceInstanceId, autoGenerateServiceInstanceId: options.ServiceInstanceId is null)
        .AddAttributes(options.ResourceAttributes);

    /// <summary>
    /// Explain durations run from ~10 ms to minutes; the SDK's default boundaries stop at 10000 (10 s
    /// in ms), which would put every slow job in +Inf and cap any quantile there. Duration histograms
    /// of Explain meters (unit "s", or "ms" scaled ×1000) get <see cref="TelemetryBuckets.Seconds"/>;
    /// an instrument that brings its own boundaries (InstrumentAdvice) keeps them.
    /// Four runtime gauges end in ".count": Prometheus reserves "_count" for histograms and
    /// summaries (promtool check metrics rejects it), so they get plural names instead.
    /// </summary>
    private static MetricStreamConfiguration? View(Instrument instrument)
    {
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
            _ => null,
        };
        return rename is null ? null : new MetricStreamConfiguration { Name = rename };
    }
}
