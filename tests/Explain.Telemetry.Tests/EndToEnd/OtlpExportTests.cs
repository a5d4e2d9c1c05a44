using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using Explain.Telemetry.Tests.Support;

namespace Explain.Telemetry.Tests.EndToEnd;

/// <summary>OTEL_EXPORTER_OTLP_ENDPOINT switches on OTLP export of metrics and traces, beside /metrics.</summary>
[Collection(HostCollection.Name)]
public sealed class OtlpExportTests
{
    [Fact]
    public async Task OtlpEndpointSet_MetricsAndSpansPostedOverOtlpHttp()
    {
        using var sink = new OtlpSink();
        using var meter = new Meter("Explain.OtlpTest");
        using var source = new ActivitySource("Explain.OtlpTest");
        var counter = meter.CreateCounter<long>("explain.otlp_test.events");
        Environment.SetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT", sink.Endpoint.ToString().TrimEnd('/'));
        Environment.SetEnvironmentVariable("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        bool enabled = false;
        try
        {
            await using var host = await TelemetryTestHost.StartAsync("explain-otlp-test", o => enabled = o.EnableOtlp);
            counter.Add(7);
            using (source.StartActivity("forward"))
            {
            }

            var (_, text) = await host.ScrapeAsync();
            Assert.Equal(7, Samples.Value(text, "explain_otlp_test_events_total"));
        } // disposing the host flushes both providers
        finally
        {
            Environment.SetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT", null);
            Environment.SetEnvironmentVariable("OTEL_EXPORTER_OTLP_PROTOCOL", null);
        }

        Assert.True(enabled);
        var requests = sink.Requests.ToList();
        var metrics = Assert.Single(requests, r => r.Path == "/v1/metrics" && Contains(r.Body, "explain.otlp_test.events"));
        Assert.Equal("application/x-protobuf", metrics.ContentType);
        Assert.Contains(requests, r => r.Path == "/v1/traces" && Contains(r.Body, "forward") && Contains(r.Body, "explain-otlp-test"));
    }

    [Fact]
    public void OtlpEndpointUnset_OtlpOff()
    {
        var saved = Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT");
        Environment.SetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT", null);
        try
        {
            Assert.False(new ExplainTelemetryOptions().EnableOtlp);
        }
        finally
        {
            Environment.SetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT", saved);
        }
    }

    /// <summary>Protobuf keeps strings as raw UTF-8, so names are findable in the body.</summary>
    private static bool Contains(byte[] body, string text) =>
        body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
}
