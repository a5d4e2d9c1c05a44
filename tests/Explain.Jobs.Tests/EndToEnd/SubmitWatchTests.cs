using Explain.Jobs.Tests.Support;
using Explain.V1;

namespace Explain.Jobs.Tests.EndToEnd;

public sealed class SubmitWatchTests(ServeFixture server) : IClassFixture<ServeFixture>
{
    [Fact]
    public async Task SubmitThenWatch_TwoMethodsTopTwo_EachEventOnceInOrder()
    {
        var request = Requests.Image("both.png", RepoPaths.SmallModel, "gradcam", "layercam");
        request.Targets = new Targets { TopK = 2 };

        var ticket = await server.Client.SubmitAsync(request);
        var events = await server.Client.WatchAllAsync(ticket.JobId);

        Assert.True(JobIds.IsWellFormed(ticket.JobId));
        Assert.Equal(JobState.Queued, ticket.State);
        var kinds = events.Select(e => e.KindCase).ToList();
        Assert.Equal([JobEvent.KindOneofCase.Queued, JobEvent.KindOneofCase.Started, JobEvent.KindOneofCase.Predictions,
            JobEvent.KindOneofCase.Heatmap, JobEvent.KindOneofCase.Heatmap, JobEvent.KindOneofCase.Heatmap, JobEvent.KindOneofCase.Heatmap,
            JobEvent.KindOneofCase.Completed], kinds);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Sequence));
        Assert.All(events, e => Assert.Equal(ticket.JobId, e.JobId));
    }

    [Fact]
    public async Task Heatmaps_SmallModel_InputAndLayerShapesAndPng()
    {
        var ticket = await server.Client.SubmitAsync(Requests.Image("dog_cat.jfif", RepoPaths.SmallModel, "gradcam", "guided-backprop"));

        var heatmaps = (await server.Client.WatchAllAsync(ticket.JobId)).Where(e => e.KindCase == JobEvent.KindOneofCase.Heatmap).Select(e => e.Heatmap).ToList();

        Assert.Equal(2, heatmaps.Count);
        var gradcam = heatmaps.Single(h => h.Method == "gradcam");
        Assert.Equal([128, 128], gradcam.Shape);
        Assert.Equal(128 * 128, gradcam.Map.Count);
        Assert.Equal([4, 4], gradcam.RawShape);
        Assert.Equal(16, gradcam.Raw.Count);
        Assert.All(gradcam.Map, v => Assert.InRange(v, 0f, 1f));
        Assert.Equal([3, 128, 128], heatmaps.Single(h => h.Method == "guided-backprop").Shape);
        Assert.All(heatmaps, h => Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, h.OverlayPng.Span[..4].ToArray()));
        Assert.Equal([0, 1], heatmaps.Select(h => h.Index));
    }

    [Fact]
    public async Task Watch_FinishedJob_ReplaysTheSameEvents()
    {
        var ticket = await server.Client.SubmitAsync(Requests.Image());
        var first = await server.Client.WatchAllAsync(ticket.JobId);

        var replay = await server.Client.WatchAllAsync(ticket.JobId);
        var tail = await server.Client.WatchAllAsync(ticket.JobId, after: 2);
        var result = await server.Client.GetAsync(ticket.JobId);

        Assert.Equal(first, replay);
        Assert.Equal(first.Skip(2), tail);
        Assert.Equal(JobState.Completed, result.State);
        Assert.Equal(first, result.Events);
    }

    [Fact]
    public async Task Explain_OneCall_StreamsQueuedToCompleted()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var events = new List<JobEvent>();

        await foreach (var e in server.Client.ExplainAsync(Requests.Image("horses.jpg"), cancellationToken: timeout.Token))
            events.Add(e);

        Assert.Equal(JobEvent.KindOneofCase.Queued, events[0].KindCase);
        Assert.Equal(JobEvent.KindOneofCase.Completed, events[^1].KindCase);
        Assert.Single(events, e => e.KindCase == JobEvent.KindOneofCase.Heatmap);
        Assert.NotEmpty(events.Single(e => e.KindCase == JobEvent.KindOneofCase.Predictions).Predictions.Predictions_[0].Label);
    }

    [Fact]
    public async Task Submit_SameIdempotencyKey_SameJob()
    {
        var request = Requests.Image();
        request.IdempotencyKey = Guid.NewGuid().ToString();

        var first = await server.Client.SubmitAsync(request);
        var second = await server.Client.SubmitAsync(request);

        Assert.Equal(first.JobId, second.JobId);
        Assert.False(first.Duplicate);
        Assert.True(second.Duplicate);
    }

    [Fact]
    public async Task Submit_SameIdempotencyKeyOtherRequest_InvalidArgument()
    {
        var request = Requests.Image();
        request.IdempotencyKey = Guid.NewGuid().ToString();
        await server.Client.SubmitAsync(request);
        request.Methods.Add("layercam");

        var ex = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => server.Client.SubmitAsync(request));

        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, ex.StatusCode);
    }
}
