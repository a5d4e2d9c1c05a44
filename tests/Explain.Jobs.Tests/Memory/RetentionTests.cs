using Explain.Jobs.Tests.Support;
using Grpc.Core;
using Kind = Explain.V1.JobEvent.KindOneofCase;

namespace Explain.Jobs.Tests.Memory;

/// <summary>
/// Retention on `explain serve`'s host: results keeps the newest <see cref="RetentionServeFixture.Jobs"/>
/// jobs and the in-memory events log the newest <see cref="RetentionServeFixture.Events"/> events;
/// a job past retention answers NOT_FOUND to Get and Watch.
/// </summary>
public sealed class RetentionTests(RetentionServeFixture server) : IClassFixture<RetentionServeFixture>
{
    [Fact]
    public async Task TwelveJobs_OlderOnesNotFound_NewestReplayed_LogTrimmed()
    {
        var ids = new List<string>();
        for (int i = 0; i < 12; i++) // 5 events each: 60 events through a log that keeps 40
        {
            var ticket = await server.Client.SubmitAsync(Requests.Image());
            Assert.Equal(Kind.Completed, (await server.Client.WatchAllAsync(ticket.JobId))[^1].KindCase);
            ids.Add(ticket.JobId);
        }

        var getOld = await Assert.ThrowsAsync<RpcException>(() => server.Client.GetAsync(ids[0]));
        var watchOld = await Assert.ThrowsAsync<RpcException>(() => server.Client.WatchAllAsync(ids[^3]));
        var newest = await server.Client.WatchAllAsync(ids[^1]);
        var got = await server.Client.GetAsync(ids[^2]);

        Assert.Equal(StatusCode.NotFound, getOld.StatusCode);
        Assert.Equal(StatusCode.NotFound, watchOld.StatusCode);
        Assert.Equal([Kind.Queued, Kind.Started, Kind.Predictions, Kind.Heatmap, Kind.Completed], newest.Select(e => e.KindCase));
        Assert.Equal(5, got.Events.Count);
        Assert.True(server.Transport.Events.Count <= RetentionServeFixture.Events, $"{server.Transport.Events.Count} events retained");
        Assert.True(server.Transport.Events.FirstOffset >= 60 - RetentionServeFixture.Events, $"oldest retained offset {server.Transport.Events.FirstOffset}");
    }
}
