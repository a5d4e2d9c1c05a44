using System.Text;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Explain.Telemetry.Prometheus;

/// <summary>
/// Pull exporter: the SDK hands it a batch only while <see cref="PrometheusMetricReader"/> collects
/// for a scrape, and it renders that batch into the scrape's buffer.
/// </summary>
[ExportModes(ExportModes.Pull)]
internal sealed class PrometheusExporter : BaseExporter<Metric>, IPullMetricExporter
{
    private StringBuilder? _target;

    /// <summary>Set by <see cref="BaseExportingMetricReader"/> to its Collect.</summary>
    public Func<int, bool>? Collect { get; set; }

    /// <summary>Collects once and returns the rendered text; null when the collection failed or timed out.</summary>
    public string? Render(int timeoutMilliseconds)
    {
        var collect = Collect ?? throw new InvalidOperationException("The exporter is not attached to a meter provider.");
        _target = new StringBuilder(16 * 1024);
        try
        {
            return collect(timeoutMilliseconds) ? _target.ToString() : null;
        }
        finally
        {
            _target = null;
        }
    }

    public override ExportResult Export(in Batch<Metric> batch)
    {
        if (_target is null)
        {
            return ExportResult.Failure;
        }

        var metrics = new List<Metric>();
        foreach (var metric in batch)
        {
            metrics.Add(metric);
        }

        PrometheusTextSerializer.Write(_target, metrics, ParentProvider?.GetResource());
        return ExportResult.Success;
    }
}
