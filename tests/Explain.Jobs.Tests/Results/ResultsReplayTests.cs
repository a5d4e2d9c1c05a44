using Explain.Jobs.Results;
using Explain.Jobs.Tests.Support;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using static Explain.Jobs.Tests.Api.RichStatusTests;

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

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition() && clock.Elapsed < TimeSpan.FromSeconds(10))
            await Task.Delay(10);
        Assert.True(condition(), "condition not reached within 10 s");
    }
}
