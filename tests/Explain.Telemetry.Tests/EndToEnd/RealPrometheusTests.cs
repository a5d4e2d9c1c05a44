using Explain.Telemetry.Tests.Support;
using Explain.Testing.V1;

namespace Explain.Telemetry.Tests.EndToEnd;

/// <summary>Prometheus itself scrapes the service and answers PromQL over its HTTP API.</summary>
[Collection(HostCollection.Name)]
public sealed class RealPrometheusTests
{
    [Fact]
    public async Task Prometheus_ScrapesService_RequestCounterAndP99FromHistogram()
    {
        await using var host = await TelemetryTestHost.StartAsync();
        for (var i = 0; i < 5; i++)
            await host.Echo.UnaryEchoAsync(new EchoRequest { Message = "x" }, deadline: DateTime.UtcNow.AddSeconds(10));

        // Sleeps of 300 ms take at least that long, so the 99th percentile lies above the 0.25 bound;
        // how far above depends on the machine's load, so the exact value is checked against the
        // quantile computed from our own scrape of the same (no longer changing) buckets.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            host.Echo.SleepAsync(new SleepRequest { Milliseconds = 300 }, deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync));
        var (_, scrape) = await host.ScrapeAsync();
        var expectedP99 = HistogramQuantile.FromScrape(
            scrape, "explain_grpc_server_duration_seconds_bucket", 0.99, ("method", "explain.testing.v1.Echo/Sleep"), ("status", "OK"));
        await using var prometheus = PrometheusServer.Start(host.MetricsAddress, "explain-test");
        var within = TimeSpan.FromSeconds(45);

        var up = await prometheus.WaitForValueAsync("up{job=\"explain-test\"}", v => v == 1, within);
        var requests = await prometheus.WaitForValueAsync(
            "explain_grpc_server_requests_total{job=\"explain-test\",method=\"explain.testing.v1.Echo/UnaryEcho\",status=\"OK\"}",
            v => v >= 5, within);
        var p99 = await prometheus.WaitForValueAsync(
            "histogram_quantile(0.99, sum by (le) (explain_grpc_server_duration_seconds_bucket{method=\"explain.testing.v1.Echo/Sleep\"}))",
            v => !double.IsNaN(v), within);
        var service = await prometheus.WaitForValueAsync("count(target_info{service_name=\"explain-test\"})", v => v >= 1, within);

        Assert.Equal(1, up);
        Assert.Equal(5, requests);
        Assert.InRange(p99, 0.25, 10);
        Assert.Equal(expectedP99, p99, 6);
        Assert.Equal(1, service);
    }
}
