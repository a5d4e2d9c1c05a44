using System.Diagnostics.Metrics;
using Explain.Telemetry.Tests.Support;

namespace Explain.Telemetry.Tests.EndToEnd;

/// <summary>What AddExplainTelemetry configures on the exporter: meter selection, seconds buckets, resource.</summary>
[Collection(HostCollection.Name)]
public sealed class ExplainTelemetryTests
{
    [Fact]
    public async Task Scrape_ExplainHistogramInSecondsWithoutAdvice_GetsSecondsBuckets()
    {
        await using var host = await TelemetryTestHost.StartAsync("explain-view-test");
        using var meter = new Meter("Explain.ViewTest");
        meter.CreateHistogram<double>("explain.view_test.end_to_end", "s").Record(0.3);
        meter.CreateHistogram("explain.view_test.advised", "s",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2] }).Record(0.3);

        var (_, text) = await host.ScrapeAsync();

        Assert.Equal(0, Samples.Value(text, "explain_view_test_end_to_end_seconds_bucket", ("le", "0.25")));
        Assert.Equal(1, Samples.Value(text, "explain_view_test_end_to_end_seconds_bucket", ("le", "0.5")));
        Assert.Equal(1, Samples.Value(text, "explain_view_test_end_to_end_seconds_bucket", ("le", "300")));
        Assert.Equal(1, Samples.Value(text, "explain_view_test_advised_seconds_bucket", ("le", "1")));
        Assert.Equal(1, Samples.Value(text, "explain_view_test_advised_seconds_bucket", ("le", "2")));
        Assert.Null(Samples.Value(text, "explain_view_test_advised_seconds_bucket", ("le", "0.5")));
    }

    [Fact]
    public async Task Scrape_ExplainHistogramInMilliseconds_GetsSecondsBucketsScaled()
    {
        await using var host = await TelemetryTestHost.StartAsync("explain-view-test");
        using var meter = new Meter("Explain.ViewTestMs");
        meter.CreateHistogram<double>("explain.view_test.wait", "ms").Record(42_000);

        var (_, text) = await host.ScrapeAsync();

        Assert.Equal(0, Samples.Value(text, "explain_view_test_wait_milliseconds_bucket", ("le", "30000")));
        Assert.Equal(1, Samples.Value(text, "explain_view_test_wait_milliseconds_bucket", ("le", "60000")));
        Assert.Equal(1, Samples.Value(text, "explain_view_test_wait_milliseconds_bucket", ("le", "300000")));
    }

    [Fact]
    public async Task Scrape_MeterOutsideExplainNamespace_NotExported()
    {
        await using var host = await TelemetryTestHost.StartAsync("explain-view-test");
        using var other = new Meter("Other.Library");
        other.CreateCounter<long>("other.events").Add(1);

        var (_, text) = await host.ScrapeAsync();

        Assert.DoesNotContain("other_events", text);
    }

    [Fact]
    public async Task Scrape_ResourceAttributes_OnTargetInfo()
    {
        await using var host = await TelemetryTestHost.StartAsync("explain-worker", o =>
        {
            o.ServiceInstanceId = "worker-7";
            o.ResourceAttributes["deployment.environment"] = "test";
        });

        var (_, text) = await host.ScrapeAsync();

        var target = Assert.Single(Samples.Find(text, "target_info"));
        Assert.Equal("explain-worker", target.Labels["service_name"]);
        Assert.Equal("worker-7", target.Labels["service_instance_id"]);
        Assert.Equal("test", target.Labels["deployment_environment"]);
        Assert.Equal(1, target.Value);
    }
}
