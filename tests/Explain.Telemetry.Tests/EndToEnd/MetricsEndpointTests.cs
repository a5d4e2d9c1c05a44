using System.Net;
using System.Net.Http.Headers;
using Explain.Grpc;
using Explain.Grpc.Client;
using Explain.Telemetry.Tests.Support;
using Explain.Testing.V1;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;

namespace Explain.Telemetry.Tests.EndToEnd;

[Collection(HostCollection.Name)]
public sealed class MetricsEndpointTests
{
    private const string Echo = "explain.testing.v1.Echo";

    [Fact]
    public async Task Scrape_AfterRealCalls_CountsByMethodAndStatusAndPassesPromtool()
    {
        await using var host = await TelemetryTestHost.StartAsync();
        var options = new CallOptions().WithTimeout(TimeSpan.FromSeconds(10));
        for (var i = 0; i < 3; i++)
        {
            await host.Channel.UnaryCall(EchoMethods.UnaryEcho, new EchoRequest { Message = "hi" }, options);
        }

        for (var i = 0; i < 2; i++)
        {
            await Assert.ThrowsAsync<RpcException>(async () =>
                await host.Channel.UnaryCall(EchoMethods.ReturnStatus, new StatusRequest { Code = (int)StatusCode.NotFound }, options));
        }

        await Assert.ThrowsAsync<RpcException>(async () =>
            await host.Channel.UnaryCall(EchoMethods.ReturnStatus, new StatusRequest { Code = 100 }, options));
        using var stream = host.Channel.ServerStreamingCall(EchoMethods.ServerStream, new EchoRequest { Count = 4 }, options);
        var received = 0;
        while (await stream.ResponseStream.MoveNext(CancellationToken.None))
        {
            received++;
        }

        await host.ScrapeAsync(); // the next scrape also sees ASP.NET Core's record of this one
        var (contentType, text) = await host.ScrapeAsync();

        Assert.Equal(4, received);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", contentType);
        Assert.Contains("# TYPE explain_grpc_server_requests_total counter\n", text);
        Assert.Contains($"explain_grpc_server_requests_total{{method=\"{Echo}/UnaryEcho\",status=\"OK\"}} 3\n", text);
        Assert.Contains($"explain_grpc_server_requests_total{{method=\"{Echo}/ReturnStatus\",status=\"NOT_FOUND\"}} 2\n", text);
        Assert.Contains($"explain_grpc_server_requests_total{{method=\"{Echo}/ReturnStatus\",status=\"UNKNOWN\"}} 1\n", text);
        Assert.Contains($"explain_grpc_server_requests_total{{method=\"{Echo}/ServerStream\",status=\"OK\"}} 1\n", text);
        Assert.Contains("# TYPE explain_grpc_server_duration_seconds histogram\n", text);
        Assert.Contains($"explain_grpc_server_duration_seconds_bucket{{method=\"{Echo}/UnaryEcho\",status=\"OK\",le=\"0.005\"}}", text);
        Assert.Contains($"explain_grpc_server_duration_seconds_bucket{{method=\"{Echo}/UnaryEcho\",status=\"OK\",le=\"+Inf\"}} 3\n", text);
        Assert.Contains($"explain_grpc_server_duration_seconds_count{{method=\"{Echo}/UnaryEcho\",status=\"OK\"}} 3\n", text);
        Assert.Contains("target_info{", text);
        Assert.Contains("service_name=\"explain-test\"", text);
        Assert.Contains("service_instance_id=\"test-instance\"", text);
        var (exitCode, output) = await ProcessRunner.RunWithInputAsync(text, "promtool", "check", "metrics");
        Assert.True(exitCode == 0, $"promtool check metrics failed ({exitCode}):\n{output}\n--- scrape ---\n{text}");
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
        Assert.Contains("# TYPE dotnet_thread_pool_threads gauge\n", text);
        Assert.Contains("# TYPE dotnet_thread_pool_queue_length gauge\n", text);
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
        var expected = $"explain_grpc_server_requests_total{{method=\"{Echo}/Sleep\",status=\"DEADLINE_EXCEEDED\"}} 1\n";
        var text = "";
        for (var i = 0; i < 100 && !text.Contains(expected, StringComparison.Ordinal); i++)
        {
            await Task.Delay(100); // the call ends at the deadline, the handler unwinds just after
            (_, text) = await host.ScrapeAsync();
        }

        var status = response.TrailingHeaders.TryGetValues("grpc-status", out var trailer) ? trailer.First()
            : response.Headers.GetValues("grpc-status").First();
        Assert.Equal("4", status);
        Assert.True(text.Contains(expected, StringComparison.Ordinal),
            string.Join("\n", text.Split('\n').Where(l => l.StartsWith("explain_grpc_server_requests", StringComparison.Ordinal))));
    }

    [Fact]
    public async Task HostDisposed_TelemetryDisposedWithIt_ScrapeFails()
    {
        var host = await TelemetryTestHost.StartAsync();
        var telemetry = host.Services.GetRequiredService<ExplainTelemetry>();
        Assert.Contains("target_info", telemetry.Scrape());

        await host.DisposeAsync();

        Assert.ThrowsAny<Exception>(() => telemetry.Scrape());
    }
}
