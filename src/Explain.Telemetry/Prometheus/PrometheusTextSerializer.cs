using System.Globalization;
using System.Text;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Explain.Telemetry.Prometheus;

/// <summary>
/// Writes metrics in the Prometheus text exposition format 0.0.4
/// (https://prometheus.io/docs/instrumenting/exposition_formats/): one HELP and TYPE line per family,
/// all samples of a family together, no timestamps (Prometheus stamps the scrape).
/// </summary>
internal static class PrometheusTextSerializer
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>
    /// .NET's System.Runtime meter declares these as ObservableCounter although their values fall
    /// (thread count, queue length): as counters, rate() and resets would misread them, so they are gauges here.
    /// </summary>
    private static readonly HashSet<string> GaugesDeclaredAsCounters =
        new(StringComparer.Ordinal) { "dotnet.thread_pool.thread.count", "dotnet.thread_pool.threads", "dotnet.thread_pool.queue.length" };

    public static void Write(StringBuilder output, IReadOnlyList<Metric> metrics, Resource? resource)
    {
        // Two instruments may map to one Prometheus name (meters of the same name, "a.b" and "a_b"):
        // the format wants a family once, so group first and keep the ones whose type agrees.
        var families = new Dictionary<string, List<Metric>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var metric in metrics)
        {
            if (metric.MetricType == MetricType.ExponentialHistogram)
            {
                continue;
            }

            var type = TypeOf(metric);
            var name = PrometheusNames.MetricName(metric.Name, metric.Unit, type == "counter");
            if (!families.TryGetValue(name, out var family))
            {
                families[name] = family = [];
                order.Add(name);
            }

            if (family.Count == 0 || TypeOf(family[0]) == type)
            {
                family.Add(metric);
            }
        }

        foreach (var name in order)
        {
            WriteFamily(output, name, families[name]);
        }

        if (resource is not null)
        {
            WriteTargetInfo(output, resource);
        }
    }

    private static void WriteFamily(StringBuilder output, string name, List<Metric> family)
    {
        var help = family.Select(m => m.Description).FirstOrDefault(d => !string.IsNullOrWhiteSpace(d)) ?? family[0].Name;
        output.Append("# HELP ").Append(name).Append(' ');
        PrometheusText.AppendHelp(output, help);
        output.Append('\n');
        output.Append("# TYPE ").Append(name).Append(' ').Append(TypeOf(family[0])).Append('\n');
        foreach (var metric in family)
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                var labels = PrometheusText.Labels(point.Tags);
                if (metric.MetricType == MetricType.Histogram)
                {
                    WriteHistogram(output, name, labels, in point);
                }
                else
                {
                    WriteSample(output, name, labels, null, Value(metric.MetricType, in point));
                }
            }
        }
    }

    private static void WriteHistogram(StringBuilder output, string name, IReadOnlyList<(string Name, string Value)> labels, in MetricPoint point)
    {
        long cumulative = 0;
        foreach (var bucket in point.GetHistogramBuckets())
        {
            // OTel keeps per-bucket counts; Prometheus buckets are cumulative (le = less or equal).
            cumulative += bucket.BucketCount;
            var le = double.IsPositiveInfinity(bucket.ExplicitBound) ? "+Inf" : PrometheusText.FormatDouble(bucket.ExplicitBound);
            WriteSample(output, name + "_bucket", labels, le, cumulative.ToString(CultureInfo.InvariantCulture));
        }

        WriteSample(output, name + "_sum", labels, null, PrometheusText.FormatDouble(point.GetHistogramSum()));
        WriteSample(output, name + "_count", labels, null, point.GetHistogramCount().ToString(CultureInfo.InvariantCulture));
    }

    private static void WriteSample(StringBuilder output, string name, IReadOnlyList<(string Name, string Value)> labels, string? le, string value)
    {
        output.Append(name);
        if (labels.Count > 0 || le is not null)
        {
            output.Append('{');
            var first = true;
            foreach (var (labelName, labelValue) in labels)
            {
                PrometheusText.AppendLabel(output, ref first, labelName, labelValue);
            }

            if (le is not null)
            {
                PrometheusText.AppendLabel(output, ref first, "le", le);
            }

            output.Append('}');
        }

        output.Append(' ').Append(value).Append('\n');
    }

    private static void WriteTargetInfo(StringBuilder output, Resource resource)
    {
        output.Append("# HELP target_info Target metadata\n# TYPE target_info gauge\n");
        var labels = resource.Attributes
            .Select(a => (PrometheusNames.LabelName(a.Key), PrometheusText.LabelValue(a.Value)))
            .ToList();
        WriteSample(output, "target_info", labels, null, "1");
    }

    private static string Value(MetricType type, in MetricPoint point) => type switch
    {
        MetricType.LongSum or MetricType.LongSumNonMonotonic => point.GetSumLong().ToString(CultureInfo.InvariantCulture),
        MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic => PrometheusText.FormatDouble(point.GetSumDouble()),
        MetricType.LongGauge => point.GetGaugeLastValueLong().ToString(CultureInfo.InvariantCulture),
        _ => PrometheusText.FormatDouble(point.GetGaugeLastValueDouble()),
    };

    /// <summary>Up-down counters are gauges to Prometheus: they can fall, so rate() would be wrong.</summary>
    private static string TypeOf(Metric metric) => metric.MetricType switch
    {
        MetricType.LongSum or MetricType.DoubleSum => GaugesDeclaredAsCounters.Contains(metric.Name) ? "gauge" : "counter",
        MetricType.Histogram => "histogram",
        _ => "gauge",
    };
}
