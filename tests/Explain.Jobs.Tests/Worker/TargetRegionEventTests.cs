using Explain.Cam;
using Explain.Cam.Targets;
using Explain.Jobs.Worker;
using ReferenceBox = Explain.Cam.Targets.ReferenceBox;

namespace Explain.Jobs.Tests.Worker;

/// <summary>Issue 14 part 5: a HEATMAP carries what its target resolved to (target_region), and its overlay draws it.</summary>
public sealed class TargetRegionEventTests
{
    private static readonly Cam.Inputs.ExplainInput Input = Cam.Inputs.ExplainInput.FromTensor("x.npy", Engine.Tensors.Tensor.Create([1, 3, 8, 8]));

    private static CamMap Map(TargetGeometry geometry) => new("gradcam", "t", 1, "feat", new float[4], [2, 2], Enumerable.Range(0, 64).Select(i => i / 64f).ToArray(), [8, 8]) { Geometry = geometry };

    [Fact]
    public void HeatmapEvent_SegmentationMask_CarriesTheMaskPng_AndDrawsItsOutline()
    {
        var pixels = new byte[64];
        for (int y = 2; y < 6; y++)
            for (int x = 1; x < 4; x++)
                pixels[y * 8 + x] = 1;
        var map = Map(new TargetGeometry.Mask(8, 8, pixels));

        var heatmap = JobEventFactory.HeatmapEvent("job", Input, map, 0, 1, new Explain.V1.ExplainOptions(), c => $"c{c}").Heatmap;

        Assert.Equal(12, heatmap.TargetRegion.MaskPixels);
        var mask = Imaging.ImageDecoder.Decode(heatmap.TargetRegion.MaskPng.Span);
        Assert.Equal(pixels.Select(p => p != 0 ? 255 : 0), Enumerable.Range(0, 64).Select(q => (int)mask.Pixels[3 * q]));
        var overlay = Imaging.ImageDecoder.Decode(heatmap.OverlayPng.Span);
        var plain = Imaging.ImageDecoder.Decode(JobEventFactory.HeatmapEvent("job", Input, map with { Geometry = null }, 0, 1, new Explain.V1.ExplainOptions(), c => $"c{c}").Heatmap.OverlayPng.Span);
        Assert.NotEqual(plain.Pixels, overlay.Pixels);
        Assert.Equal([0, 255, 0], overlay.Pixels.AsSpan((2 * 8 + 1) * 3, 3).ToArray());
    }

    [Fact]
    public void HeatmapEvent_DetectionBoxes_CarryTheReferenceAndTheMatchedRow()
    {
        var map = Map(new TargetGeometry.Boxes([
            new DetectionMatch(new ReferenceBox(1, 1, 5, 6, 2), new MatchedDetection(7, 1.5f, 1, 5, 6.5f, 0.8f, 0.75f)),
            new DetectionMatch(new ReferenceBox(0, 0, 2, 2, 1), null),
        ]));

        var region = JobEventFactory.HeatmapEvent("job", Input, map, 0, 1, new Explain.V1.ExplainOptions { OmitOverlay = true }, c => $"c{c}").Heatmap.TargetRegion;

        Assert.Equal(2, region.Boxes.Count);
        var hit = region.Boxes[0];
        Assert.Equal((1f, 1f, 5f, 6f, 2), (hit.Reference.X1, hit.Reference.Y1, hit.Reference.X2, hit.Reference.Y2, hit.Label));
        Assert.Equal((true, 7, 1.5f, 6.5f, 0.8f, 0.75f), (hit.Matched, hit.Row, hit.MatchedBox.X1, hit.MatchedBox.Y2, hit.Score, hit.Iou));
        Assert.Equal((false, -1), (region.Boxes[1].Matched, region.Boxes[1].Row));
        Assert.Null(region.Boxes[1].MatchedBox);
        Assert.True(region.MaskPng.IsEmpty);
    }
}
