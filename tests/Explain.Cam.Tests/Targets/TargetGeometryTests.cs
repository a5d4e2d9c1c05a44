using System.Text.Json;
using Explain.Backends;
using Explain.Cam.Backends;
using Explain.Cam.Inputs;
using Explain.Cam.Models;
using Explain.Cam.Output;
using Explain.Cam.Targets;
using Explain.Cam.Tests.Support;
using Explain.Testing;
using Explain.Engine.Tensors;
using Explain.Imaging;
using Explain.Imaging.Preprocessing;
using Explain.Imaging.Rendering;

namespace Explain.Cam.Tests.Targets;

/// <summary>
/// Issue 14 part 5: every map carries what its target resolved to. A segmentation box's mask is written
/// as exactly the box's pixels and drawn as its outline, a detection target's geometry is the row it
/// matched, and a similarity to a second picture gets a map on each picture, the reference's equal to
/// explaining that picture alone against the first's embedding.
/// </summary>
public sealed class TargetGeometryTests
{
    private static Explainer Open(byte[] onnx, TempDirectory dir, ModelTask task, BackendKind backend)
    {
        string path = dir.File("model.onnx");
        File.WriteAllBytes(path, onnx);
        var card = new ModelCard { Name = "tiny", OnnxPath = path, Task = task };
        return new Explainer(ExecutionBackends.Open(new BackendOptions { Kind = backend, Threads = 2 }, card), card);
    }

    private static ExplainInput Input(int seed)
    {
        var rng = new Random(seed);
        return ExplainInput.FromTensor("x", Tensor.FromArray(Enumerable.Range(0, 3 * 16 * 16).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray(), 1, 3, 16, 16));
    }

    private static ExplainOptions Options(CamTarget target) => new() { Methods = ["gradcam"], Layers = ["feat"], Targets = TargetSelection.Of([target]) };

    [Theory]
    [MemberData(nameof(Backends))]
    public void SegmentationBox_MaskIsTheBox_AndTheOverlayDiffersExactlyAlongItsOutline(BackendKind backend)
    {
        using var dir = new TempDirectory("seg-geometry");
        using var explainer = Open(TinyOnnx.Segmenter(), dir, new ModelTask(ModelTaskKind.Segmentation, "seg"), backend);
        var input = Input(1);
        var explanation = explainer.Explain(input.Tensor, Options(new SegmentationTarget(1, new SegmentationRegion.Box(3, 4, 11, 12))));
        var map = Assert.Single(explanation.Maps);
        bool InBox(int x, int y) => x is >= 3 and < 11 && y is >= 4 and < 12;

        var result = ExplanationWriter.Write(dir.Path, input, explanation, new ModelInfo("tiny", [], 13, "test"), Colormap.Jet, new Dictionary<string, double>());
        var region = Assert.IsType<TargetRegionEntry>(result.Maps[0].TargetRegion);
        Assert.Equal(("mask", 64, 16, 16), (region.Kind, region.Pixels, region.Width, region.Height));
        var png = ImageDecoder.Decode(File.ReadAllBytes(dir.File(region.Mask!)));
        for (int y = 0; y < 16; y++)
            for (int x = 0; x < 16; x++)
                Assert.Equal(InBox(x, y) ? 255 : 0, png.Pixels[(y * 16 + x) * 3]);
        using (var json = JsonDocument.Parse(File.ReadAllText(dir.File("result.json"))))
            Assert.Equal(64, json.RootElement.GetProperty("maps")[0].GetProperty("target_region").GetProperty("pixels").GetInt32());

        var drawn = ExplanationWriter.Render(input, map, Colormap.Jet);
        var plain = ExplanationWriter.Render(input, map with { Geometry = null }, Colormap.Jet);
        for (int y = 0; y < 16; y++)
            for (int x = 0; x < 16; x++)
            {
                bool outline = InBox(x, y) && !(InBox(x - 1, y) && InBox(x + 1, y) && InBox(x, y - 1) && InBox(x, y + 1));
                bool differs = !drawn.Pixels.AsSpan((y * 16 + x) * 3, 3).SequenceEqual(plain.Pixels.AsSpan((y * 16 + x) * 3, 3));
                Assert.True(outline == differs, $"pixel ({x}, {y}): outline {outline}, overlay differs {differs}");
            }
    }

    [Fact]
    public void MaskOutline_IsMappedThroughTheCropFootprint()
    {
        // The model saw the 24 × 24 square at (8, 3) of a 40 × 30 picture, at 16 × 16: each mask pixel covers 1.5 picture pixels.
        var mask = new TargetGeometry.Mask(16, 16, Enumerable.Range(0, 256).Select(q => (byte)(q % 16 >= 4 && q % 16 < 8 && q / 16 >= 4 && q / 16 < 8 ? 1 : 0)).ToArray());
        var image = RgbImage.Blank(40, 30);
        TargetOutline.Draw(image, mask, new CropFootprint(8, 3, 32, 27), 16, 16);
        bool Green(int x, int y) => image.Pixels.AsSpan((y * 40 + x) * 3, 3).SequenceEqual(TargetOutline.MaskColour);
        // Mask pixel 4 starts at 8 + 4 × 1.5 = 14; pixel 7 ends at 8 + 8 × 1.5 = 20 (exclusive).
        Assert.True(Green(14, 9) && Green(19, 9) && Green(14, 14) && Green(19, 14));
        Assert.False(Green(13, 9) || Green(20, 9) || Green(16, 12));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void DetectionTarget_GeometryIsTheRowItMatched_AndBothBoxesAreDrawn(BackendKind backend)
    {
        using var dir = new TempDirectory("det-geometry");
        var task = new ModelTask(ModelTaskKind.Detection, "det", 0, 4, 0);
        using var explainer = Open(TinyOnnx.Detector(), dir, task, backend);
        var input = Input(2);
        var rows = explainer.Embed(input.Tensor, "det");
        var target = new DetectionTarget([new ReferenceBox(4.5f, 2, 12, 11, 1), new ReferenceBox(0, 0, 3, 3, 2)], task, OutputName: "det");
        int[] picked = ((DetectionTarget)target.Bind(rows, [6, 7])).Match(rows);
        Assert.Equal([2, -1], picked);

        var map = Assert.Single(explainer.Explain(input.Tensor, Options(target)).Maps);
        var boxes = Assert.IsType<TargetGeometry.Boxes>(map.Geometry);
        var hit = boxes.Matches[0].Detection!;
        Assert.Equal(picked[0], hit.Row);
        Assert.Equal(rows.AsSpan(hit.Row * 7, 4).ToArray(), new[] { hit.X1, hit.Y1, hit.X2, hit.Y2 });
        Assert.Equal(rows[hit.Row * 7 + 4 + 1], hit.Score);
        Assert.Equal(DetectionTarget.Iou(target.Boxes[0], rows.AsSpan(hit.Row * 7, 4)), hit.Iou, 5);
        Assert.Null(boxes.Matches[1].Detection);

        var overlay = ExplanationWriter.Render(input, map, Colormap.Jet);
        bool Is(int x, int y, byte[] colour) => overlay.Pixels.AsSpan((y * 16 + x) * 3, 3).SequenceEqual(colour);
        Assert.True(Is(0, 0, TargetOutline.ReferenceColour), "the unmatched reference box (0, 0, 3, 3) is drawn");
        int mx = (int)Math.Round(hit.X2) - 1, my = (int)Math.Round(hit.Y2) - 1;
        Assert.True(Is(mx, my, TargetOutline.MatchedColour), $"the matched box's corner ({mx}, {my}) is drawn");
    }

    /// <summary>GAM on a real classifier (its logits as the embedding): a map on each picture, the reference's the same as explaining it alone.</summary>
    [Theory]
    [MemberData(nameof(Backends))]
    public void SimilarityToAnImage_ExplainsBothPictures_TheReferenceAsIfAlone(BackendKind backend)
    {
        var card = new ModelStore(RepoPaths.ModelStore).Resolve("mobilenet_v1_0.25_128");
        using var explainer = new Explainer(ExecutionBackends.Open(new BackendOptions { Kind = backend, Threads = 2 }, card), card);
        var spec = PreprocessSpec.FromModelJson(card.Json!.Value);
        var input = ExplainInput.FromImage("both.png", File.ReadAllBytes(RepoPaths.Require(Path.Combine(RepoPaths.Images, "both.png"))), spec);
        byte[] second = File.ReadAllBytes(RepoPaths.Require(Path.Combine(RepoPaths.Images, "horses.jpg")));
        var reference = ExplainInput.FromImage("reference", second, spec);
        var options = new ExplainOptions { Methods = ["gradcam", "layercam"], Targets = TargetSelection.Of([new ImageSimilarityTarget(second)]) };

        var pair = explainer.ExplainPair(input.Tensor, reference.Tensor, options);

        Assert.Equal(4, pair.Maps.Count);
        var alone = explainer.Explain(reference.Tensor, options with { Targets = TargetSelection.Of([new SimilarityTarget(explainer.Embed(input.Tensor))]) });
        var front = explainer.Explain(input.Tensor, options with { Targets = TargetSelection.Of([new SimilarityTarget(explainer.Embed(reference.Tensor))]) });
        foreach (var method in options.Methods)
        {
            var back = pair.Maps.Single(m => m.Method == method && m.Target == Explainer.ReferencePairTarget);
            Assert.True(back.OnReferenceImage);
            Assert.True(MapError.RelativeL2(back.Map, alone.Maps.Single(m => m.Method == method).Map) < 1e-5);
            var forward = pair.Maps.Single(m => m.Method == method && m.Target == "similarity-image");
            Assert.Equal(new TargetGeometry.Similarity(SimilarityReference.Image), forward.Geometry);
            Assert.True(MapError.RelativeL2(forward.Map, front.Maps.Single(m => m.Method == method).Map) < 1e-5);
        }

        using var dir = new TempDirectory("pair");
        var result = ExplanationWriter.Write(dir.Path, input, pair, ModelInfo.From(card, explainer.Backend), Colormap.Jet, new Dictionary<string, double>(), reference);
        Assert.Equal("reference.png", result.ReferenceInput);
        Assert.True(File.Exists(dir.File("reference.png")));
        Assert.Equal(["gradcam", "layercam"], result.Pairs.Select(p => p.Method));
        var backFiles = result.Maps.Single(m => m.Method == "gradcam" && m.Target == Explainer.ReferencePairTarget);
        Assert.Equal(("similarity", "request_image", "reference.png"), (backFiles.TargetRegion!.Kind, backFiles.TargetRegion.Reference, backFiles.TargetRegion.Image));
        // The reference map is drawn on the reference picture (its own size), not the request's.
        var overlay = ImageDecoder.Decode(File.ReadAllBytes(dir.File(backFiles.Overlay)));
        Assert.Equal((reference.Original!.Width, reference.Original.Height), (overlay.Width, overlay.Height));
        Assert.Contains("Why these two are similar", File.ReadAllText(dir.File("index.html")));
    }

    public static TheoryData<BackendKind> Backends() => new(Fixtures.CamFixtureTests.Backends);
}
