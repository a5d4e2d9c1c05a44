using Explain.Jobs.Tests.Support;
using Explain.V1;
using Kind = Explain.V1.JobEvent.KindOneofCase;

namespace Explain.Jobs.Tests.Broker;

/// <summary>
/// A segmentation and a detection job on the family models (seeded random weights) through a real RabbitMQ
/// broker and a worker process: queued on the quorum queue, explained by the worker, their HEATMAP events
/// with the mask and the matched rows read back from the events stream by the results service.
/// </summary>
[Trait("Category", "Broker")]
public sealed class FamilyBrokerTests(FamilyBrokerFixture suite) : IClassFixture<FamilyBrokerFixture>
{
    [Fact]
    public async Task SegmentationAndDetectionJobs_ThroughTheBroker_CompleteWithTheirTargetRegions()
    {
        var segmentation = Requests.Image("both.png", "lraspp_mobilenet_v3", "gradcam");
        segmentation.Targets = new Targets { Items = { new Target { Kind = TargetKind.Segmentation, Classes = { 13 }, Box = new Box { X = 16, Y = 24, Width = 64, Height = 72 } } } };
        var detection = Requests.Image("both.png", "ssdlite_mobilenet_v3", "gradcam", "gradcam++");
        detection.Targets = new Targets { TopK = 2 };

        var tickets = await Task.WhenAll(suite.Ingestion.Client.SubmitAsync(segmentation), suite.Ingestion.Client.SubmitAsync(detection));
        var streams = await Task.WhenAll(tickets.Select(t => suite.Results.Client.WatchAllAsync(t.JobId, timeoutSeconds: 180)));

        Assert.All(streams, events => Assert.Equal(Kind.Completed, events[^1].KindCase));
        var mask = Assert.Single(streams[0], e => e.KindCase == Kind.Heatmap).Heatmap;
        Assert.Equal("seg-c13-box16,24,80,96", mask.Target);
        Assert.Equal(64 * 72, mask.TargetRegion.MaskPixels);
        Assert.Equal(64 * 72, Imaging.ImageDecoder.Decode(mask.TargetRegion.MaskPng.Span).Pixels.Where((_, i) => i % 3 == 0).Count(v => v == 255));
        var boxes = streams[1].Where(e => e.KindCase == Kind.Heatmap).Select(e => e.Heatmap).ToList();
        Assert.Equal(4, boxes.Count); // two rows x two methods
        Assert.All(boxes, h => Assert.True(Assert.Single(h.TargetRegion.Boxes).Matched, $"{h.Target}: no match"));
        Assert.Equal(2, boxes.Select(h => h.TargetRegion.Boxes[0].Row).Distinct().Count());
        Assert.All(boxes, h => Assert.True(h.Raw.Any(v => v != 0), $"{h.Method} {h.Target}: all-zero raw map"));
    }
}
