using OpenTelemetry.Metrics;

namespace Explain.Telemetry.Prometheus;

/// <summary>
/// A metric reader that collects on demand (each scrape) and renders the Prometheus text format.
/// Cumulative temporality, as Prometheus expects counters and histograms to only grow.
/// Add it with <c>Sdk.CreateMeterProviderBuilder().AddReader(reader)</c>.
/// </summary>
public sealed class PrometheusMetricReader : BaseExportingMetricReader
{
    private readonly PrometheusExporter _exporter;
    private readonly Lock _scrapeLock = new();

    public PrometheusMetricReader()
        : this(new PrometheusExporter())
    {
    }

    private PrometheusMetricReader(PrometheusExporter exporter)
        : base(exporter)
    {
        _exporter = exporter;
        TemporalityPreference = MetricReaderTemporalityPreference.Cumulative;
    }

    /// <summary>Content-Type of the scrape response.</summary>
    public static string ContentType => PrometheusTextSerializer.ContentType;

    /// <summary>
    /// Collects every instrument now and returns the exposition text. Concurrent scrapes are
    /// serialized: the SDK allows one collection at a time per reader.
    /// </summary>
    /// <exception cref="TimeoutException">The collection did not finish in time or the provider is shut down.</exception>
    public string Scrape(int timeoutMilliseconds = 5000)
    {
        lock (_scrapeLock)
        {
            return _exporter.Render(timeoutMilliseconds)
                ?? throw new TimeoutException($"Metric collection did not complete within {timeoutMilliseconds} ms.");
        }
    }
}
