using System.Diagnostics.Metrics;
using Explain.Telemetry.Tests.Support;

namespace Explain.Telemetry.Tests.EndToEnd;

/// <summary>What ExplainTelemetry adds over the bare reader: meter selection, seconds buckets, resource.</summary>
[Collection(HostCollection.Name)]
public sealed class ExplainTelemetryTests
{
    [Fact]
    public void Scrape_ExplainHistogramInSecondsWithoutAdvice_GetsSecondsBuckets()
    {
        using var telemetry = new ExplainTelemetry("explain-view-test", new ExplainTelemetryOptions { EnableOtlp = false });
        using var meter = new Meter("Explain.ViewTest");
        meter.CreateHistogram<double>("explain.view_test.end_to_end", "s").Record(0.3);
        meter.CreateHistogram("explain.view_test.advised", "s",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2] }).Record(0.3);

        var text = telemetry.Scrape();

        Assert.Contains("explain_view_test_end_to_end_seconds_bucket{le=\"0.25\"} 0\n", text);
        Assert.Contains("explain_view_test_end_to_end_seconds_bucket{le=\"0.5\"} 1\n", text);
        Assert.Contains("explain_view_test_end_to_end_seconds_bucket{le=\"300\"} 1\n", text);
        Assert.Contains("explain_view_test_advised_seconds_bucket{le=\"1\"} 1\n", text);
        Assert.Contains("explain_view_test_advised_seconds_bucket{le=\"2\"} 1\n", text);
        Assert.DoesNotContain("explain_view_test_advised_seconds_bucket{le=\"0.5\"}", text);
    }

    [Fact]
    public void Scrape_ExplainHistogramInMilliseconds_GetsSecondsBucketsScaled()
    {
        using var telemetry = new ExplainTelemetry("explain-view-test", new ExplainTelemetryOptions { EnableOtlp = false });
        using var meter = new Meter("Explain.ViewTestMs");
        meter.CreateHistogram<double>("explain.view_test.wait", "ms").Record(42_000);

        var text = telemetry.Scrape();

        Assert.Contains("explain_view_test_wait_milliseconds_bucket{le=\"30000\"} 0\n", text);
        Assert.Contains("explain_view_test_wait_milliseconds_bucket{le=\"60000\"} 1\n", text);
        Assert.Contains("explain_view_test_wait_milliseconds_bucket{le=\"300000\"} 1\n", text);
    }

    [Fact]
    public void Scrape_MeterOutsideExplainNamespace_NotExported()
    {
        using var telemetry = new ExplainTelemetry("explain-view-test", new ExplainTelemetryOptions { EnableOtlp = false });
        using var other = new Meter("Other.Library");
        other.CreateCounter<long>("other.events").Add(1);

        Assert.DoesNotContain("other_events", telemetry.Scrape());
    }

    [Fact]
    public void Scrape_ResourceAttributes_OnTargetInfo()
    {
        var options = new ExplainTelemetryOptions { EnableOtlp = false, ServiceInstanceId = "worker-7" };
        options.ResourceAttributes["deployment.environment"] = "test";
        using var telemetry = new ExplainTelemetry("explain-worker", options);

        var text = telemetry.Scrape();

        var targetInfo = text.Split('\n').Single(l => l.StartsWith("target_info{", StringComparison.Ordinal));
        Assert.Contains("service_name=\"explain-worker\"", targetInfo);
        Assert.Contains("service_instance_id=\"worker-7\"", targetInfo);
        Assert.Contains("deployment_environment=\"test\"", targetInfo);
        Assert.EndsWith("} 1", targetInfo);
    }
}
