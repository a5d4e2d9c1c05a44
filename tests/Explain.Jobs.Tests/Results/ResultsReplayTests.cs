using Explain.Jobs.Results;
using Explain.Jobs.Tests.Support;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using static Explain.Jobs.Tests.Api.RichStatusTests;
using Serving = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Explain.Jobs.Tests.Results;

/// <summary>
/// A results replica that is still replaying the events stream (after a start or a resubscription) does not know
/// every job yet: an id it has not reached is UNAVAILABLE with RetryInfo, not NOT_FOUND; once the replay is over
/// the same id is NOT_FOUND, and known jobs are served throughout.
/// </summary>
public sealed class ResultsReplayTests(ResultsReplayTests.Fixture server) : IClassFixture<ResultsReplayTests.Fixture>
{
    /// <summary>Its own server: the tests move its index in and out of replay.</summary>
    public sealed class Fixture : ServeFixture;

    [Fact]
    public async Task UnknownJob_WhileReplaying_UnavailableWithRetryInfo_AfterwardsNotFound()
    {
        var index = server.Host.Services.GetRequiredService<ResultsIndex>();
        var known = await server.Client.SubmitAsync(Requests.Image());
        await server.Client.WatchAllAsync(known.JobId);
        await WaitUntilAsync(() => !index.Replaying); // the indexer's own replay at start has ended
        string unknown = JobIds.New();

        index.BeginReplay(); // what the indexer does when it resubscribes
        var replaying = await Assert.ThrowsAsync<RpcException>(() => server.Client.GetAsync(unknown));
        var stillServed = await server.Client.GetAsync(known.JobId);
        index.EndReplay();
        var after = await Assert.ThrowsAsync<RpcException>(() => server.Client.GetAsync(unknown));

        Assert.Equal(StatusCode.Unavailable, replaying.StatusCode);
        var status = replaying.GetRpcStatus()!;
        Assert.Equal("results_replaying", Detail<ErrorInfo>(status).Reason);
        Assert.Equal(TimeSpan.FromSeconds(1), Detail<RetryInfo>(status).RetryDelay.ToTimeSpan());
        Assert.Equal(V1.JobState.Completed, stillServed.State);
        Assert.Equal(StatusCode.NotFound, after.StatusCode);
        Assert.Equal(unknown, Detail<ResourceInfo>(after.GetRpcStatus()!).ResourceName);
    }

    /// <summary>The indexer marks its replay done by itself once the stream has handed out what it retained.</summary>
    [Fact]
    public async Task Indexer_AfterStart_EndsItsReplay()
    {
        var index = server.Host.Services.GetRequiredService<ResultsIndex>();

        await WaitUntilAsync(() => !index.Replaying);

        Assert.False(index.Replaying);
    }

    /// <summary>
    /// Readiness follows the replay: Explainer and Results (and the whole server) are NOT_SERVING while the index replays
    /// the stream, SERVING again once it has caught up; Models and liveness do not depend on it.
    /// </summary>
    [Fact]
    public async Task Health_WhileReplaying_ExplainerAndResultsNotServing_ThenServingAgain()
    {
        var index = server.Host.Services.GetRequiredService<ResultsIndex>();
        var health = new Grpc.Health.V1.Health.HealthClient(server.Channel);
        await WaitUntilAsync(() => !index.Replaying);
        await health.WaitForStatusAsync("explain.v1.Results", Serving.Serving);

        index.BeginReplay();
        try
        {
            await health.WaitForStatusAsync("explain.v1.Results", Serving.NotServing);
            await health.WaitForStatusAsync("explain.v1.Explainer", Serving.NotServing);
            await health.WaitForStatusAsync("", Serving.NotServing);
            Assert.Equal(Serving.Serving, await health.StatusAsync("explain.v1.Models"));
            Assert.Equal(Serving.Serving, await health.StatusAsync("explain.liveness"));
        }
        finally
        {
            index.EndReplay();
        }

        await health.WaitForStatusAsync("explain.v1.Results", Serving.Serving);
        await health.WaitForStatusAsync("explain.v1.Explainer", Serving.Serving);
        await health.WaitForStatusAsync("", Serving.Serving);
    }

    /// <summary>
    /// A submission with an idempotency key the replaying index has not reached could be a retry of a job in the part
    /// of the stream not read yet: it waits for the replay to end and is answered only then.
    /// </summary>
    [Fact]
    public async Task Submit_WithKeyWhileReplaying_WaitsForTheReplayThenQueues()
    {
        var index = server.Host.Services.GetRequiredService<ResultsIndex>();
        await WaitUntilAsync(() => !index.Replaying);
        var request = Requests.Image();
        request.IdempotencyKey = "replay-" + Guid.NewGuid().ToString("N");
        bool ended = false;

        index.BeginReplay();
        var submission = server.Client.SubmitAsync(request);
        await Task.Delay(200);
        bool answeredDuringReplay = submission.IsCompleted;
        Volatile.Write(ref ended, true);
        index.EndReplay();
        var ticket = await submission;

        Assert.False(answeredDuringReplay, "the keyed submission was answered while the index was replaying");
        Assert.True(Volatile.Read(ref ended));
        Assert.False(ticket.Duplicate);
        await server.Client.WatchAllAsync(ticket.JobId);
        Assert.Equal(V1.JobState.Completed, (await server.Client.GetAsync(ticket.JobId)).State);
    }

    /// <summary>A replay that outlasts the wait: UNAVAILABLE with RetryInfo (results_replaying), and no job queued.</summary>
    [Fact]
    public async Task Submit_WithKeyWhileReplayOutlastsTheWait_UnavailableWithRetryInfoNothingQueued()
    {
        var index = server.Host.Services.GetRequiredService<ResultsIndex>();
        var cache = server.Host.Services.GetRequiredService<Explain.Jobs.Ingestion.IdempotencyCache>();
        await WaitUntilAsync(() => !index.Replaying);
        var request = Requests.Image();
        request.IdempotencyKey = "replay-" + Guid.NewGuid().ToString("N");
        var wait = cache.ReplayWait;
        cache.ReplayWait = TimeSpan.FromMilliseconds(50);
        int queued = server.Transport.Jobs.ReadyCount, events = server.Transport.Events.Count;
        RpcException refused;
        index.BeginReplay();
        try
        {
            refused = await Assert.ThrowsAsync<RpcException>(() => server.Client.SubmitAsync(request));
        }
        finally
        {
            index.EndReplay();
            cache.ReplayWait = wait;
        }

        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        var status = refused.GetRpcStatus()!;
        Assert.Equal("results_replaying", Detail<ErrorInfo>(status).Reason);
        Assert.Equal(TimeSpan.FromSeconds(1), Detail<RetryInfo>(status).RetryDelay.ToTimeSpan());
        Assert.Equal(queued, server.Transport.Jobs.ReadyCount);
        Assert.Equal(events, server.Transport.Events.Count);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition() && clock.Elapsed < TimeSpan.FromSeconds(10))
            await Task.Delay(10);
        Assert.True(condition(), "condition not reached within 10 s");
    }
}
