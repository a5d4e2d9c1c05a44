using Explain.Jobs.Tests.Support;
using Explain.V1;
using Kind = Explain.V1.JobEvent.KindOneofCase;
using Serving = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Explain.Jobs.Tests.Broker;

/// <summary>End to end through a real RabbitMQ broker: a quorum queue for jobs, a stream for events.</summary>
[Trait("Category", "Broker")]
public sealed class RabbitMqSuiteTests(SuiteFixture suite) : IClassFixture<SuiteFixture>
{
    private static readonly Kind[] Normal = [Kind.Queued, Kind.Started, Kind.Predictions, Kind.Heatmap, Kind.Completed];

    [Fact]
    public async Task TwoHundredJobs_TwoWorkers_EachCompletesEachEventOnce()
    {
        var tickets = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => suite.Ingestion.Client.SubmitAsync(Requests.Image("dog_cat.jfif"))));

        var streams = await Task.WhenAll(tickets.Select(t => suite.Results.Client.WatchAllAsync(t.JobId, timeoutSeconds: 300)));

        Assert.Equal(200, tickets.Select(t => t.JobId).Distinct().Count());
        Assert.All(streams, events => Assert.Equal(Normal, events.Select(e => e.KindCase)));
        Assert.All(streams, events => Assert.Equal([1L, 2, 3, 4, 5], events.Select(e => e.Sequence)));
        Assert.Equal(2, streams.Select(s => s[1].Started.Worker).Distinct().Count());
    }

    [Fact]
    public async Task WorkerKilledMidJob_JobCompletesOnTheOther()
    {
        var ticket = await suite.Ingestion.Client.SubmitAsync(Requests.Slow());
        var started = await suite.Results.Client.WaitForAsync(ticket.JobId, Kind.Started);
        var victim = suite.Workers.Single(w => started.Started.Worker.EndsWith(":" + w.Pid, StringComparison.Ordinal));

        victim.Kill();
        suite.Workers.Remove(victim);
        suite.Workers.Add(WorkerProcess.Start(suite.Broker.Uri));
        var events = await suite.Results.Client.WatchAllAsync(ticket.JobId);

        Assert.Equal([Kind.Queued, Kind.Started, Kind.Predictions, Kind.Heatmap, Kind.Metrics, Kind.Completed], events.Select(e => e.KindCase));
    }

    [Fact]
    public async Task Health_BrokerStoppedThenStarted_NotServingThenServingAgain()
    {
        var ingestion = new Grpc.Health.V1.Health.HealthClient(suite.Ingestion.Channel);
        var results = new Grpc.Health.V1.Health.HealthClient(suite.Results.Channel);
        // Ready once the broker is connected and the results index has replayed the stream (ResultsReplayTests).
        await ingestion.WaitForStatusAsync("explain.v1.Explainer", Serving.Serving);

        await suite.Broker.CtlAsync("stop_app");
        try
        {
            await ingestion.WaitForStatusAsync("explain.v1.Explainer", Serving.NotServing);
            await ingestion.WaitForStatusAsync("", Serving.NotServing);
            await results.WaitForStatusAsync("explain.v1.Results", Serving.NotServing);
            // Models needs only the model store, which is still there.
            Assert.Equal(Serving.Serving, await ingestion.StatusAsync("explain.v1.Models"));
            // Liveness never depends on the broker: an outage must not restart the pods (k8s/base probes).
            Assert.Equal(Serving.Serving, await ingestion.StatusAsync("explain.liveness"));
        }
        finally
        {
            await suite.Broker.CtlAsync("start_app");
        }

        await ingestion.WaitForStatusAsync("explain.v1.Explainer", Serving.Serving);
        await results.WaitForStatusAsync("explain.v1.Results", Serving.Serving);
        await ingestion.WaitForStatusAsync("", Serving.Serving);
    }

    [Fact]
    public async Task BrokerRestartedMidRun_NoJobLost()
    {
        var before = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => suite.Ingestion.Client.SubmitAsync(Requests.Image())));

        await suite.Broker.CtlAsync("stop_app");
        await suite.Broker.CtlAsync("start_app");
        var after = await SubmitWithRetryAsync(10);
        var streams = await Task.WhenAll(before.Concat(after).Select(t => suite.Results.Client.WatchAllAsync(t.JobId, timeoutSeconds: 180)));

        Assert.All(streams, events => Assert.Equal(Kind.Completed, events[^1].KindCase));
    }

    [Fact]
    public async Task BrokerKilledWithSigkill_RestartedFromDisk_NoSubmittedJobLost()
    {
        // Submit answers only after the broker confirmed the job (written to the quorum queue's
        // log and fsynced): a crash right after must not lose it, nor its events on the stream.
        var before = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => suite.Ingestion.Client.SubmitAsync(Requests.Image())));

        await suite.Broker.CrashAndRestartAsync();
        var after = await SubmitWithRetryAsync(10);
        var streams = await Task.WhenAll(before.Concat(after).Select(t => suite.Results.Client.WatchAllAsync(t.JobId, timeoutSeconds: 180)));

        Assert.All(streams, events => Assert.Equal(Kind.Completed, events[^1].KindCase));
        Assert.All(streams, events => Assert.Equal(events.Select(e => e.KindCase).Distinct().Count(), events.Count)); // each event once
        Assert.All(streams, events => Assert.Equal(Kind.Queued, events[0].KindCase));
    }

    [Fact]
    public async Task CancelRunningJob_ReachesTheWorkerOverTheControlStream_EndsCancelled()
    {
        var ticket = await suite.Ingestion.Client.SubmitAsync(Requests.Slow());
        await suite.Results.Client.WaitForAsync(ticket.JobId, Kind.Started);

        await suite.Ingestion.Client.CancelAsync(ticket.JobId);
        var events = await suite.Results.Client.WatchAllAsync(ticket.JobId);

        Assert.Equal(Kind.Cancelled, events[^1].KindCase);
        Assert.DoesNotContain(events, e => e.KindCase == Kind.Completed);
    }

    [Fact]
    public async Task Consumers_WorkersFollowOnlyTheControlStream_HeatmapsGoOnlyToResults()
    {
        // Each event body crosses the broker once per consumer of its stream: the heavy events
        // stream is read by ingestion's and results' indexes, never by the (many) workers.
        await suite.Results.Client.WatchAllAsync((await suite.Ingestion.Client.SubmitAsync(Requests.Image())).JobId);

        string queues = await suite.Broker.CtlAsync("list_queues", "-q", "name", "consumers");
        var streamConsumers = queues
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('\t'))
            .Where(cells => cells.Length == 2 && int.TryParse(cells[1], out _))
            .ToDictionary(cells => cells[0], cells => int.Parse(cells[1], System.Globalization.CultureInfo.InvariantCulture));
        // Quorum queue consumers are listed by list_consumers (list_queues counts stream consumers).
        int jobConsumers = (await suite.Broker.CtlAsync("list_consumers", "-q", "queue_name"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Count(queue => queue == "explain.jobs");

        Assert.True(streamConsumers.GetValueOrDefault("explain.events") == 2, "rabbitmqctl list_queues name consumers:\n" + queues);
        // At least one per live worker (a worker SIGKILLed by another test may still be listed for a while).
        Assert.True(streamConsumers.GetValueOrDefault("explain.control") >= suite.Workers.Count, "rabbitmqctl list_queues name consumers:\n" + queues);
        Assert.Equal(suite.Workers.Count, jobConsumers);
    }

    [Fact]
    public async Task ResultsRestarted_WatchOnFinishedJobReplays()
    {
        var ticket = await suite.Ingestion.Client.SubmitAsync(Requests.Image());
        var first = await suite.Results.Client.WatchAllAsync(ticket.JobId);

        await suite.Results.DisposeAsync();
        suite.Results = await InProcessService.ResultsAsync(suite.Broker.Uri);
        var replay = await suite.Results.Client.WatchAllAsync(ticket.JobId);

        Assert.Equal(Kind.Completed, first[^1].KindCase);
        Assert.Equal(first, replay);
    }

    private async Task<JobTicket[]> SubmitWithRetryAsync(int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var tickets = new List<JobTicket>();
        while (tickets.Count < count)
        {
            try
            {
                tickets.Add(await suite.Ingestion.Client.SubmitAsync(Requests.Image(), timeout.Token));
            }
            catch (Grpc.Core.RpcException) when (!timeout.IsCancellationRequested)
            {
                await Task.Delay(250, timeout.Token); // the ingestion's connection is still recovering
            }
        }
        return [.. tickets];
    }
}
