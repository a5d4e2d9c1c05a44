using Grpc.Core;
using Explain.Jobs.Tests.Support;
using Explain.V1;
using Kind = Explain.V1.JobEvent.KindOneofCase;

namespace Explain.Jobs.Tests.EndToEnd;

/// <summary>Cancel and deadlines reach queued and running jobs (one worker slot, so a slow job keeps the next one queued).</summary>
public sealed class CancelDeadlineTests(ServeFixture server) : IClassFixture<ServeFixture>
{
    [Fact]
    public async Task Cancel_RunningJob_EndsCancelledAtOnce()
    {
        var ticket = await server.Client.SubmitAsync(Requests.Slow());
        await server.Client.WaitForAsync(ticket.JobId, Kind.Started);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await server.Client.CancelAsync(ticket.JobId);
        var events = await server.Client.WatchAllAsync(ticket.JobId);

        Assert.Equal(Kind.Cancelled, events[^1].KindCase);
        Assert.Contains(events, e => e.KindCase == Kind.Started);
        Assert.DoesNotContain(events, e => e.KindCase is Kind.Completed or Kind.Heatmap);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"cancel took {clock.Elapsed}");
    }

    [Fact]
    public async Task Cancel_QueuedJob_EndsCancelledWithoutStarting()
    {
        var running = await server.Client.SubmitAsync(Requests.Slow());
        await server.Client.WaitForAsync(running.JobId, Kind.Started);
        var queued = await server.Client.SubmitAsync(Requests.Image());

        await server.Client.CancelAsync(queued.JobId);
        await server.Client.CancelAsync(running.JobId);
        var events = await server.Client.WatchAllAsync(queued.JobId);

        Assert.Equal([Kind.Queued, Kind.Cancelled], events.Select(e => e.KindCase));
    }

    [Fact]
    public async Task Deadline_RunningJob_FailsDeadlineExceeded()
    {
        var request = Requests.Slow();
        request.DeadlineUnixMs = DateTimeOffset.UtcNow.AddMilliseconds(1500).ToUnixTimeMilliseconds();

        var ticket = await server.Client.SubmitAsync(request);
        var events = await server.Client.WatchAllAsync(ticket.JobId);

        Assert.Equal(Kind.Failed, events[^1].KindCase);
        Assert.Equal((int)StatusCode.DeadlineExceeded, events[^1].Failed.Status.Code);
        Assert.DoesNotContain(events, e => e.KindCase == Kind.Completed);
    }

    [Fact]
    public async Task Deadline_QueuedJob_FailsDeadlineExceededWithoutStarting()
    {
        var running = await server.Client.SubmitAsync(Requests.Slow());
        await server.Client.WaitForAsync(running.JobId, Kind.Started);
        var request = Requests.Image();
        request.DeadlineUnixMs = DateTimeOffset.UtcNow.AddMilliseconds(300).ToUnixTimeMilliseconds();

        var ticket = await server.Client.SubmitAsync(request);
        await Task.Delay(400);
        await server.Client.CancelAsync(running.JobId);
        var events = await server.Client.WatchAllAsync(ticket.JobId);

        Assert.Equal([Kind.Queued, Kind.Failed], events.Select(e => e.KindCase));
        Assert.Equal((int)StatusCode.DeadlineExceeded, events[^1].Failed.Status.Code);
    }

    [Fact]
    public async Task Explain_CallDeadline_CarriedIntoTheJob()
    {
        var events = new List<JobEvent>();

        // The job's deadline is the call's: the job stops at it (cancellation reaches the computation),
        // so the stream may end with the job's FAILED event just before the call's own deadline fires.
        var ex = await Record.ExceptionAsync(async () =>
        {
            await foreach (var e in server.Client.ExplainAsync(Requests.Slow(), DateTime.UtcNow.AddSeconds(1)))
                events.Add(e);
        });
        var after = await server.Client.WatchAllAsync(events[0].JobId);

        if (ex is not null)
            Assert.Equal(StatusCode.DeadlineExceeded, Assert.IsType<RpcException>(ex).StatusCode);
        else
            Assert.Equal((int)StatusCode.DeadlineExceeded, events[^1].Failed.Status.Code);
        Assert.Equal((int)StatusCode.DeadlineExceeded, after[^1].Failed.Status.Code);
    }
}
