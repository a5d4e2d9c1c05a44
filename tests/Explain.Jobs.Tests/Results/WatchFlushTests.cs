using Explain.Jobs.GrpcServices;
using Explain.V1;
using Google.Protobuf;

namespace Explain.Jobs.Tests.Results;

/// <summary>Which events of a Watch batch wait for a later flush (WatchStreams.Buffer).</summary>
public sealed class WatchFlushTests
{
    private static JobEvent Heatmap(int overlayBytes) =>
        new() { JobId = "j", Heatmap = new Heatmap { Method = "gradcam", OverlayPng = ByteString.CopyFrom(new byte[overlayBytes]) } };

    private static JobEvent Completed() => new() { JobId = "j", Completed = new Completed { Heatmaps = 1 } };

    [Fact]
    public void TheLastEventIsAlwaysFlushed()
    {
        Assert.False(WatchStreams.Buffer([Completed()], 0));
        Assert.False(WatchStreams.Buffer([Heatmap(10), Heatmap(10)], 1));
    }

    [Fact]
    public void SmallEventsRideWithTheNextFlush()
    {
        JobEvent[] batch = [Heatmap(1_000), Heatmap(2_000), Completed()];
        Assert.True(WatchStreams.Buffer(batch, 0));
        Assert.True(WatchStreams.Buffer(batch, 1));
        Assert.False(WatchStreams.Buffer(batch, 2));
    }

    [Fact]
    public void ABigEventRightBeforeASmallLastOneGoesOutWithIt()
    {
        JobEvent[] batch = [Heatmap(300_000), Completed()];
        Assert.True(WatchStreams.Buffer(batch, 0));
    }

    [Fact]
    public void ABigEventIsFlushedOnItsOwnWhenMoreThanTheLastEventFollows()
    {
        JobEvent[] batch = [Heatmap(300_000), Heatmap(300_000), Completed()];
        Assert.False(WatchStreams.Buffer(batch, 0)); // two big events never sit unflushed together
        Assert.True(WatchStreams.Buffer(batch, 1));
    }

    [Fact]
    public void ABigEventBeforeABigLastOneIsFlushedOnItsOwn()
    {
        JobEvent[] batch = [Heatmap(300_000), Heatmap(300_000)];
        Assert.False(WatchStreams.Buffer(batch, 0));
    }
}
