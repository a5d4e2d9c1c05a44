using System.Diagnostics;
using Explain.Jobs.Tests.Support;
using Explain.V1;
using Kind = Explain.V1.JobEvent.KindOneofCase;

namespace Explain.Jobs.Tests.Safety;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessMeasurementCollection
{
    /// <summary>Tests that measure the whole process (threads, RSS) run alone.</summary>
    public const string Name = "process measurements";
}

/// <summary>
/// Issue 12 part 4 through `explain serve`'s in-process host: a burst of Score-CAM jobs, each
/// cancelled queued or running, leaves the process at its idle thread count and memory, the
/// compute threads never exceed the concurrency, and a cheap job afterwards runs normally.
/// </summary>
[Collection(ProcessMeasurementCollection.Name)]
public sealed class CancellationStormTests(ServeFixture server) : IClassFixture<ServeFixture>
{
    private const int Jobs = 24;

    /// <summary>Threads the runtime may add on its own (thread pool growth, timers, GC): not per job.</summary>
    private const int ThreadSlack = 10;

    /// <summary>
    /// Bound on RSS growth after the storm, GC'd: the old behaviour (cancelled computations going
    /// on, each on a thread of its own) grew by gigabytes; one Score-CAM job's batches take ~60 MB.
    /// </summary>
    private const long RssSlackBytes = 250L << 20;

    [Fact]
    public async Task CancelStorm_ScoreCamJobs_ThreadsAndRssReturnNearIdle()
    {
        await RunToEndAsync(ScoreCam()); // warm: model loaded, code jitted
        var (idleThreads, idleRss) = Measure();
        int peakThreads = idleThreads;
        using var stopSampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stopSampling.IsCancellationRequested)
            {
                peakThreads = Math.Max(peakThreads, Process.GetCurrentProcess().Threads.Count);
                await Task.Delay(20).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        });

        var tickets = new List<string>();
        for (int i = 0; i < Jobs; i++)
            tickets.Add((await server.Client.SubmitAsync(ScoreCam())).JobId);
        foreach (var id in tickets)
        {
            await Task.Delay(30);
            await server.Client.CancelAsync(id);
        }
        var endings = new List<Kind>();
        foreach (var id in tickets)
            endings.Add((await server.Client.WatchAllAsync(id))[^1].KindCase);
        stopSampling.Cancel();
        await sampler;
        var cheap = await RunToEndAsync(Requests.Image());
        var (afterThreads, afterRss) = Measure();

        Assert.All(endings, k => Assert.True(k is Kind.Cancelled or Kind.Completed, k.ToString()));
        Assert.True(endings.Count(k => k == Kind.Cancelled) >= Jobs - 2, string.Join(",", endings));
        Assert.Equal(Kind.Completed, cheap);
        Assert.True(peakThreads <= idleThreads + ThreadSlack, $"peak {peakThreads} threads, idle {idleThreads}");
        Assert.True(afterThreads <= idleThreads + ThreadSlack, $"after {afterThreads} threads, idle {idleThreads}");
        Assert.True(afterRss <= idleRss + RssSlackBytes, $"after {afterRss >> 20} MB RSS, idle {idleRss >> 20} MB");
    }

    private static ExplainRequest ScoreCam() => Requests.Image("both.png", RepoPaths.SlowModel, "scorecam");

    private async Task<Kind> RunToEndAsync(ExplainRequest request)
    {
        var ticket = await server.Client.SubmitAsync(request);
        return (await server.Client.WatchAllAsync(ticket.JobId))[^1].KindCase;
    }

    private static (int Threads, long Rss) Measure()
    {
        for (int i = 0; i < 2; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        var process = Process.GetCurrentProcess();
        process.Refresh();
        return (process.Threads.Count, process.WorkingSet64);
    }
}
