using System.Net;
using System.Net.Http.Headers;
using System.Diagnostics;
using Explain.Telemetry.Tests.Support;
using Explain.Testing.V1;
using Google.Protobuf;
using Grpc.Core;

namespace Explain.Telemetry.Tests.EndToEnd;

[Collection(HostCollection.Name)]
public sealed class MetricsEndpointTests
{
    private const string Echo = "explain.testing.v1.Echo";

    [Fact]
    public async Task Scrape_AfterRealCalls_CountsByMethodAndStatusAndPassesPromtool()
    {
        await using var host = await TelemetryTestHost.StartAsync();
        var deadline = () => DateTime.UtcNow.AddSeconds(10);
        for (var i = 0; i < 3; i++)
            await host.Echo.UnaryEchoAsync(new EchoRequest { Message = "hi" }, deadline: deadline());
        for (var i = 0; i < 2; i++)
            await Assert.ThrowsAsync<RpcException>(async () => await host.Echo.ReturnStatusAsync(new StatusRequest { Code = (int)StatusCode.NotFound }, deadline: deadline()));
        await Assert.ThrowsAsync<RpcException>(async () => await host.Echo.ReturnStatusAsync(new StatusRequest { Code = 100 }, deadline: deadline()));
        using var stream = host.Echo.ServerStream(new EchoRequest { Count = 4 }, deadline: deadline());
        var received = 0;
        while (await stream.ResponseStream.MoveNext(CancellationToken.None))
            received++;

        await host.ScrapeAsync(); // the next scrape also sees ASP.NET Core's record of this one
        var (contentType, text) = await host.ScrapeAsync();

        Assert.Equal(4, received);
        Assert.StartsWith("text/plain; version=0.0.4", contentType);
        Assert.Contains("# TYPE explain_grpc_server_requests_total counter\n", text);
        Assert.Equal(3, Samples.Value(text, "explain_grpc_server_requests_total", ("method", $"{Echo}/UnaryEcho"), ("status", "OK")));
        Assert.Equal(2, Samples.Value(text, "explain_grpc_server_requests_total", ("method", $"{Echo}/ReturnStatus"), ("status", "NOT_FOUND")));
        Assert.Equal(1, Samples.Value(text, "explain_grpc_server_requests_total", ("method", $"{Echo}/ReturnStatus"), ("status", "UNKNOWN")));
        Assert.Equal(1, Samples.Value(text, "explain_grpc_server_requests_total", ("method", $"{Echo}/ServerStream"), ("status", "OK")));
        Assert.Contains("# TYPE explain_grpc_server_duration_seconds histogram\n", text);
        Assert.NotNull(Samples.Value(text, "explain_grpc_server_duration_seconds_bucket", ("method", $"{Echo}/UnaryEcho"), ("status", "OK"), ("le", "0.005")));
        Assert.Equal(3, Samples.Value(text, "explain_grpc_server_duration_seconds_bucket", ("method", $"{Echo}/UnaryEcho"), ("status", "OK"), ("le", "+Inf")));
        Assert.Equal(3, Samples.Value(text, "explain_grpc_server_duration_seconds_count", ("method", $"{Echo}/UnaryEcho"), ("status", "OK")));
        var target = Assert.Single(Samples.Find(text, "target_info"));
        Assert.Equal(("explain-test", "test-instance"), (target.Labels["service_name"], target.Labels["service_instance_id"]));
        var (exitCode, output) = await ProcessRunner.RunWithInputAsync(text, "promtool", "check", "metrics");
        Assert.True(exitCode == 0, $"promtool check metrics failed ({exitCode}):\n{output}\n--- scrape ---\n{text}");
    }

    [Fact]
    public async Task Scrape_OpenMetrics_LatencyBucketCarriesTheCallersTraceIdAsExemplar()
    {
        await using var host = await TelemetryTestHost.StartAsync();
        var traceId = ActivityTraceId.CreateRandom();
        var headers = new Metadata { { "traceparent", $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01" } };
        await host.Echo.UnaryEchoAsync(new EchoRequest { Message = "traced" }, headers, DateTime.UtcNow.AddSeconds(10));

        var (contentType, text) = await host.ScrapeAsync("application/openmetrics-text; version=1.0.0");

        Assert.StartsWith("application/openmetrics-text", contentType);
        var exemplars = text.Split('\n').Where(l => l.StartsWith("explain_grpc_server_duration_seconds_bucket{", StringComparison.Ordinal)
            && l.Contains($"{Echo}/UnaryEcho", StringComparison.Ordinal) && l.Contains(" # {", StringComparison.Ordinal)).ToList();
        Assert.Contains(exemplars, l => l.Contains($"trace_id=\"{traceId.ToHexString()}\"", StringComparison.Ordinal));
        Assert.EndsWith("# EOF\n", text);
        // Debian 12's promtool lints only the text format; the OpenMetrics form is what a real Prometheus
        // negotiates, and RealPrometheusTests scrapes and queries it.
    }

    [Fact]
    public async Task Metrics_OnTheGrpcPort_NotFound_OnTheMetricsPort_Ok()
    {
        await using var host = await TelemetryTestHost.StartAsync();
        using var h2c = new HttpClient(new SocketsHttpHandler())
        {
            DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        using var grpcPort = await h2c.GetAsync(new Uri(host.GrpcAddress, "/metrics"));
        var (_, text) = await host.ScrapeAsync();

        Assert.Equal(HttpStatusCode.NotFound, grpcPort.StatusCode);
        Assert.Contains("target_info", text);
    }

    [Fact]
    public async Task Scrape_RuntimeAndAspNetCoreMeters_Exported()
    {
        await using var host = await TelemetryTestHost.StartAsync();
        GC.Collect();

        await host.ScrapeAsync();
        var (_, text) = await host.ScrapeAsync();

        Assert.Contains("# TYPE dotnet_gc_collections_total counter\n", text);
        Assert.Contains("# TYPE dotnet_process_memory_working_set_bytes gauge\n", text);
        Assert.Contains("# TYPE dotnet_thread_pool_work_item_count_total counter\n", text);
        Assert.Contains("# TYPE http_server_request_duration_seconds histogram\n", text);
        Assert.Contains("# TYPE kestrel_active_connections gauge\n", text);
        Assert.Contains("# TYPE dotnet_assemblies gauge\n", text);
        // NOTE: the OTel exporter (1.20.1-beta.1) writes the runtime's up-down counters as counters with
        // _total (our own serializer wrote gauges); the dashboard reads the names it exports.
        Assert.Contains("# TYPE dotnet_thread_pool_threads_total counter\n", text);
        Assert.Contains("# TYPE dotnet_thread_pool_queue_length_total counter\n", text);
        Assert.DoesNotContain("dotnet_assembly_count", text);
    }

    [Fact]
    public async Task Scrape_ServerDeadlinePasses_CountedAsDeadlineExceeded()
    {
        await using var host = await TelemetryTestHost.StartAsync();
        // A raw request with grpc-timeout and no client-side deadline: only the server's timer can end
        // it. (With a client deadline the client may reset the stream first: that is CANCELLED for the
        // server, as the runtime itself reports it.)
        using var http = new HttpClient(new SocketsHttpHandler())
        {
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(30),
        };
        var payload = new SleepRequest { Milliseconds = 30_000 }.ToByteArray();
        byte[] frame = [0, 0, 0, 0, (byte)payload.Length, .. payload]; // uncompressed flag, big-endian length (< 256 here)
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host.GrpcAddress, $"/{Echo}/Sleep"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(frame),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/grpc");
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        request.Headers.TryAddWithoutValidation("grpc-timeout", "300m");

        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        var text = "";
        double? Counted() => Samples.Value(text, "explain_grpc_server_requests_total", ("method", $"{Echo}/Sleep"), ("status", "DEADLINE_EXCEEDED"));
        for (var i = 0; i < 100 && Counted() != 1; i++)
        {
            await Task.Delay(100); // the call ends at the deadline, the handler unwinds just after
            (_, text) = await host.ScrapeAsync();
        }

        var status = response.TrailingHeaders.TryGetValues("grpc-status", out var trailer) ? trailer.First()
            : response.Headers.GetValues("grpc-status").First();
        Assert.Equal("4", status);
        Assert.True(Counted() == 1,
            string.Join("\n", text.Split('\n').Where(l => l.StartsWith("explain_grpc_server_requests", StringComparison.Ordinal))));
    }

    [Fact]
    public async Task HostDisposed_MetricsEndpointGone()
    {
        var host = await TelemetryTestHost.StartAsync();
        var (_, text) = await host.ScrapeAsync();
        Assert.Contains("target_info", text);

        await host.DisposeAsync();

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => host.ScrapeAsync());
    }
}
