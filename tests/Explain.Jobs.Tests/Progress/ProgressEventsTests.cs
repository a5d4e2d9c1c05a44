using Explain.Cli;
using Explain.Jobs.Tests.Support;
using Explain.Jobs.Worker;
using Explain.V1;

namespace Explain.Jobs.Tests.Progress;

/// <summary>
/// Issue 15, part 2: a Score-CAM job asked for progress publishes PROGRESS events at the bound
/// events.proto states, the .NET client receives them in order before PREDICTIONS, results keeps
/// none of them, and `explain submit` prints them as plain lines off a terminal.
/// </summary>
public sealed class ProgressEventsTests(ServeFixture server) : IClassFixture<ServeFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("explain-progress-").FullName;

    private static ExplainRequest ScoreCam(bool progress, string model = RepoPaths.SlowModel)
    {
        // Score-CAM on the slow model: 256 masked forward passes in batches, ~0.3-2 s on two cores.
        var request = Requests.Image("both.png", model, "gradcam", "scorecam");
        request.Options = new ExplainOptions { Progress = progress };
        return request;
    }

    [Fact]
    public async Task ScoreCamJob_WithProgress_SeveralIncreasingEventsWithinTheBound()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var events = new List<JobEvent>();
        // mobilenet_v2's Score-CAM (1280 masked passes, seconds) outlasts several 250 ms intervals even on an idle
        // machine: on the slow model ONNX Runtime can finish the stage inside one interval, and the stage's end
        // then replaces its last batch event in the results index before the watcher reads it.
        await foreach (var e in server.Client.ExplainAsync(ScoreCam(progress: true, model: "mobilenet_v2"), cancellationToken: timeout.Token))
            events.Add(e);

        Assert.Equal(JobEvent.KindOneofCase.Completed, events[^1].KindCase);
        var progress = events.Where(e => e.KindCase == JobEvent.KindOneofCase.Progress).ToList();
        int started = events.FindIndex(e => e.KindCase == JobEvent.KindOneofCase.Started);
        int predictions = events.FindIndex(e => e.KindCase == JobEvent.KindOneofCase.Predictions);
        Assert.All(progress, p => Assert.InRange(events.IndexOf(p), started + 1, predictions - 1));
        // Each carries the sequence of the retained event before it (STARTED's), so resuming after it skips nothing.
        Assert.All(progress, p => Assert.Equal(events[started].Sequence, p.Sequence));
        var batches = progress.Where(p => p.Progress.Stage == "scorecam" && p.Progress.Total > 1).Select(p => p.Progress).ToList();
        Assert.True(batches.Count >= 2, $"{batches.Count} scorecam PROGRESS events: {string.Join(", ", progress.Select(p => $"{p.Progress.Stage} {p.Progress.Done}/{p.Progress.Total}"))}");
        Assert.True(batches.Zip(batches.Skip(1)).All(b => b.Second.Done > b.First.Done), string.Join(", ", batches.Select(b => b.Done)));
        Assert.True(batches[0].Total > 1);
        Assert.Contains(progress, p => p.Progress.Stage == "forward" && p.Progress.Done == 1);
        Assert.True(progress.Select(p => p.Progress.ElapsedMs).Zip(progress.Skip(1).Select(p => p.Progress.ElapsedMs)).All(t => t.Second >= t.First));

        // What the worker published, counted on the stream itself (a watcher may see fewer).
        var published = new List<JobEvent>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await foreach (var envelope in server.Transport.Events.SubscribeAsync(stop.Token, s => s == EventSequences.Progress))
                if (envelope.JobId == events[0].JobId)
                    published.Add(EventCodec.Parse(envelope).Event);
        }
        catch (OperationCanceledException)
        {
        }
        // The batches' end is always published (on the stream; a watcher that lags can find it replaced by the
        // stage's own end, as results keep only the latest PROGRESS of a job).
        Assert.Contains(published, e => e.Progress.Stage == "scorecam" && e.Progress.Total == batches[0].Total && e.Progress.Done == e.Progress.Total);
        long computeMs = published[^1].Progress.ElapsedMs;
        int stages = 2 + 2 * 2; // forward, backward, and per method its batches' end and the stage's end
        int bound = (int)(computeMs / ProgressPublisher.Interval.TotalMilliseconds) + 1 + stages;
        Assert.InRange(published.Count, progress.Count, bound);
    }

    [Fact]
    public async Task ScoreCamJob_WithoutProgress_NoProgressEvents()
    {
        var ticket = await server.Client.SubmitAsync(ScoreCam(progress: false));

        var events = await server.Client.WatchAllAsync(ticket.JobId);

        Assert.Equal(JobEvent.KindOneofCase.Completed, events[^1].KindCase);
        Assert.DoesNotContain(events, e => e.KindCase == JobEvent.KindOneofCase.Progress);
    }

    [Fact]
    public async Task FinishedJob_GetAndReplayedWatch_HoldNoProgress()
    {
        var ticket = await server.Client.SubmitAsync(ScoreCam(progress: true));
        var live = await server.Client.WatchAllAsync(ticket.JobId);

        var replay = await server.Client.WatchAllAsync(ticket.JobId);
        var result = await server.Client.GetAsync(ticket.JobId);

        Assert.Equal(JobEvent.KindOneofCase.Completed, live[^1].KindCase);
        Assert.DoesNotContain(replay, e => e.KindCase == JobEvent.KindOneofCase.Progress);
        Assert.DoesNotContain(result.Events, e => e.KindCase == JobEvent.KindOneofCase.Progress);
        Assert.Equal(Enumerable.Range(1, result.Events.Count).Select(i => (long)i), result.Events.Select(e => e.Sequence));
        Assert.Equal(live.Where(e => e.KindCase != JobEvent.KindOneofCase.Progress).Select(e => e.Sequence), replay.Select(e => e.Sequence));
    }

    [Fact]
    public void Submit_NotATerminal_PrintsPlainProgressLines()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        // mobilenet_v2: a Score-CAM stage long enough that its batch events outlive the 250 ms interval (see above).
        int code = ExplainApp.Invoke(["submit", "--server", server.Host.Address.ToString(), "--model", "mobilenet_v2",
            "--image", RepoPaths.Image("both.png"), "--method", "scorecam", "--out", Path.Combine(_dir, "submit")], output, error);

        Assert.True(code == 0, $"exit {code}\n{output}\n{error}");
        string stderr = error.ToString();
        // ProgressView's plain line for a batched stage's end, fed only by the job's PROGRESS events.
        Assert.Matches(@"(?m)^  scorecam done in \d+\.\d s$", stderr);
        Assert.Contains("completed", stderr);
        Assert.True(File.Exists(Path.Combine(_dir, "submit", "result.json")));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
