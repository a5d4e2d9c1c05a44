using System.Diagnostics.Metrics;
using Explain.Telemetry.Tests.Support;

namespace Explain.Telemetry.Tests.Prometheus;

/// <summary>Whole scrapes compared with literal text of the exposition format 0.0.4.</summary>
public sealed class ExpositionFormatTests
{
    [Fact]
    public void Scrape_CounterWithAnnotationUnit_TotalSuffixAndHelp()
    {
        using var harness = new MeterHarness();
        var submitted = harness.Meter.CreateCounter<long>("explain.jobs.submitted", "{job}", "Jobs accepted by Ingestion.");
        submitted.Add(2, new KeyValuePair<string, object?>("model", "resnet18"));
        submitted.Add(1, new KeyValuePair<string, object?>("model", "resnet18"));

        var text = harness.Scrape();

        Assert.Equal(
            "# HELP explain_jobs_submitted_total Jobs accepted by Ingestion.\n" +
            "# TYPE explain_jobs_submitted_total counter\n" +
            "explain_jobs_submitted_total{model=\"resnet18\"} 3\n" +
            MeterHarness.TargetInfo, text);
    }

    [Fact]
    public void Scrape_LabelValueWithBackslashQuoteNewline_Escaped()
    {
        using var harness = new MeterHarness();
        var rejected = harness.Meter.CreateCounter<long>("explain.jobs.rejected", null, "Rejected jobs.");
        rejected.Add(1, new KeyValuePair<string, object?>("reason", "a\\b \"c\"\nd"));

        var text = harness.Scrape();

        Assert.Equal(
            "# HELP explain_jobs_rejected_total Rejected jobs.\n" +
            "# TYPE explain_jobs_rejected_total counter\n" +
            "explain_jobs_rejected_total{reason=\"a\\\\b \\\"c\\\"\\nd\"} 1\n" +
            MeterHarness.TargetInfo, text);
    }

    [Fact]
    public void Scrape_HelpWithBackslashAndNewline_EscapedButQuotesKept()
    {
        using var harness = new MeterHarness();
        harness.Meter.CreateCounter<long>("c", null, "line1\nsays \"hi\" C:\\x").Add(1);

        var text = harness.Scrape();

        Assert.StartsWith("# HELP c_total line1\\nsays \"hi\" C:\\\\x\n# TYPE c_total counter\nc_total 1\n", text);
    }

    [Fact]
    public void Scrape_HistogramInSeconds_CumulativeBucketsInfSumCount()
    {
        using var harness = new MeterHarness();
        var compute = harness.Meter.CreateHistogram("explain.job.compute", "s", "Compute time by stage.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 1, 10] });
        var forward = new KeyValuePair<string, object?>("stage", "forward");
        compute.Record(0.05, forward);
        compute.Record(0.5, forward);
        compute.Record(0.75, forward);
        compute.Record(42, forward);

        var text = harness.Scrape();

        Assert.Equal(
            "# HELP explain_job_compute_seconds Compute time by stage.\n" +
            "# TYPE explain_job_compute_seconds histogram\n" +
            "explain_job_compute_seconds_bucket{stage=\"forward\",le=\"0.1\"} 1\n" +
            "explain_job_compute_seconds_bucket{stage=\"forward\",le=\"1\"} 3\n" +
            "explain_job_compute_seconds_bucket{stage=\"forward\",le=\"10\"} 3\n" +
            "explain_job_compute_seconds_bucket{stage=\"forward\",le=\"+Inf\"} 4\n" +
            "explain_job_compute_seconds_sum{stage=\"forward\"} 43.3\n" +
            "explain_job_compute_seconds_count{stage=\"forward\"} 4\n" +
            MeterHarness.TargetInfo, text);
    }

    [Fact]
    public void Scrape_UpDownCounterAndGaugeWithBytes_GaugesWithUnitSuffix()
    {
        using var harness = new MeterHarness();
        harness.Meter.CreateUpDownCounter<long>("explain.worker.jobs_in_flight", "{job}", "Jobs running now.").Add(2);
        harness.Meter.CreateObservableGauge("explain.model_cache.size", () => 1536.5, "By", "Bytes of cached models.");

        var text = harness.Scrape();

        Assert.Equal(
            "# HELP explain_worker_jobs_in_flight Jobs running now.\n" +
            "# TYPE explain_worker_jobs_in_flight gauge\n" +
            "explain_worker_jobs_in_flight 2\n" +
            "# HELP explain_model_cache_size_bytes Bytes of cached models.\n" +
            "# TYPE explain_model_cache_size_bytes gauge\n" +
            "explain_model_cache_size_bytes 1536.5\n" +
            MeterHarness.TargetInfo, text);
    }

    [Fact]
    public void Scrape_CounterInSecondsWithDottedTagKey_UnitBeforeTotalAndSanitizedLabel()
    {
        using var harness = new MeterHarness();
        harness.Meter.CreateCounter<double>("dotnet.gc.pause.time", "s", "GC pauses.")
            .Add(0.25, new KeyValuePair<string, object?>("gc.heap-generation", "gen0"));

        var text = harness.Scrape();

        Assert.StartsWith(
            "# HELP dotnet_gc_pause_time_seconds_total GC pauses.\n" +
            "# TYPE dotnet_gc_pause_time_seconds_total counter\n" +
            "dotnet_gc_pause_time_seconds_total{gc_heap_generation=\"gen0\"} 0.25\n", text);
    }

    [Fact]
    public void Scrape_NoDescription_HelpFallsBackToInstrumentName()
    {
        using var harness = new MeterHarness();
        harness.Meter.CreateCounter<long>("explain.broker.reconnects").Add(1);

        var text = harness.Scrape();

        Assert.StartsWith("# HELP explain_broker_reconnects_total explain.broker.reconnects\n", text);
    }

    [Fact]
    public void Scrape_TwoInstrumentsSameExportedName_OneFamily()
    {
        using var harness = new MeterHarness();
        harness.Meter.CreateCounter<long>("a.b", null, "first").Add(1, new KeyValuePair<string, object?>("k", "1"));
        harness.Meter.CreateCounter<long>("a_b", null, "second").Add(2, new KeyValuePair<string, object?>("k", "2"));

        var text = harness.Scrape();

        Assert.Equal(
            "# HELP a_b_total first\n" +
            "# TYPE a_b_total counter\n" +
            "a_b_total{k=\"1\"} 1\n" +
            "a_b_total{k=\"2\"} 2\n" +
            MeterHarness.TargetInfo, text);
    }

    [Fact]
    public void Scrape_NothingRecorded_OnlyTargetInfo()
    {
        using var harness = new MeterHarness();

        Assert.Equal(MeterHarness.TargetInfo, harness.Scrape());
    }
}
