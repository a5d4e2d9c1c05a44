using Explain.Telemetry.Prometheus;

namespace Explain.Telemetry.Tests.Prometheus;

public sealed class PrometheusNamesTests
{
    [Theory]
    [InlineData("explain.jobs.completed", "{job}", true, "explain_jobs_completed_total")]
    [InlineData("explain.jobs.completed", null, true, "explain_jobs_completed_total")]
    [InlineData("explain.job.queue_wait", "s", false, "explain_job_queue_wait_seconds")]
    [InlineData("explain.job.end_to_end", "s", false, "explain_job_end_to_end_seconds")]
    [InlineData("dotnet.process.memory.working_set", "By", false, "dotnet_process_memory_working_set_bytes")]
    [InlineData("request.duration_seconds", "s", false, "request_duration_seconds")]
    [InlineData("requests_total", null, true, "requests_total")]
    [InlineData("process.cpu.time_total", "s", true, "process_cpu_time_seconds_total")]
    [InlineData("net.io", "By/s", false, "net_io_bytes_per_second")]
    [InlineData("messages", "{message}/s", false, "messages_per_second")]
    [InlineData("load", "1", false, "load")]
    [InlineData("héllo--wörld", null, false, "h_llo_w_rld")]
    [InlineData("2xx.count", null, false, "_2xx_count")]
    [InlineData("ns:metric", "ms", false, "ns:metric_milliseconds")]
    public void MetricName_OtelNameAndUnit_PrometheusName(string name, string? unit, bool counter, string expected) =>
        Assert.Equal(expected, PrometheusNames.MetricName(name, unit, counter));

    [Theory]
    [InlineData("gc.heap.generation", "gc_heap_generation")]
    [InlineData("http.request.method", "http_request_method")]
    [InlineData("9lives", "key_9lives")]
    [InlineData("a:b", "a_b")]
    public void LabelName_AttributeKey_Sanitized(string key, string expected) =>
        Assert.Equal(expected, PrometheusNames.LabelName(key));
}
