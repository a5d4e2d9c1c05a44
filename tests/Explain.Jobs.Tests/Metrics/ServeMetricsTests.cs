using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Explain.Client;
using Grpc.Net.Client;
using Explain.Jobs.Hosting;
using Explain.Jobs.Tests.Support;
using Explain.Messaging;
using Microsoft.Extensions.Logging;

namespace Explain.Jobs.Tests.Metrics;

/// <summary>`explain serve`'s /metrics after real jobs: the catalogue is there and promtool accepts the exposition.</summary>
public sealed class ServeMetricsTests
{
    [Fact]
    public async Task Metrics_AfterRealJobs_CatalogueExportedAndPromtoolAccepts()
    {
        int httpPort = FreePort();
        var arguments = new HostArguments(0, httpPort, null, RepoPaths.ModelStore, 1);
        await using var host = await ServeHost.StartAsync(arguments, new JobsOptions { ModelStore = RepoPaths.ModelStore, WorkerConcurrency = 1, ThreadsPerJob = 2 },
            IPAddress.Loopback, l => l.ClearProviders(), new InMemoryTransport());
        using var channel = GrpcChannel.ForAddress(host.Address, ExplainChannelConfig.ChannelOptions());
        var client = new ExplainClient(channel.CreateCallInvoker());

        var ticket = await client.SubmitAsync(Requests.Image("both.png", RepoPaths.SmallModel, "gradcam"));
        await client.WatchAllAsync(ticket.JobId);
        await Assert.ThrowsAnyAsync<Exception>(() => client.SubmitAsync(Requests.Image("both.png", "no-such-model")));
        using var http = new HttpClient();
        string text = await http.GetStringAsync($"http://127.0.0.1:{httpPort}/metrics");

        foreach (var name in new[] { "explain_jobs_submitted_total", "explain_jobs_rejected_total", "explain_jobs_completed_total",
                     "explain_job_queue_wait_seconds_bucket", "explain_job_compute_seconds_bucket", "explain_job_end_to_end_seconds_bucket",
                     "explain_worker_jobs_in_flight", "explain_model_cache_misses_total", "explain_model_cache_loads_total",
                     "explain_grpc_server_requests_total", "explain_grpc_server_duration_seconds_bucket", "dotnet_gc_collections_total", "target_info" })
            Assert.Contains(name, text);
        var (exit, output) = await Promtool(text);
        Assert.True(exit == 0, $"promtool check metrics failed ({exit}):\n{output}");
    }

    private static async Task<(int Exit, string Output)> Promtool(string exposition)
    {
        var start = new ProcessStartInfo("promtool", "check metrics") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(exposition);
        process.StandardInput.Close();
        string output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, output);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
