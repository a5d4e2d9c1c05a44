using Explain.Backends;
using Explain.Cam.Backends;
using Explain.Cam.Models;
using Explain.Cam.Targets;
using Explain.Cam.Tests.Support;

namespace Explain.Cam.Tests.Targets;

/// <summary>
/// The targets on outputs other than class scores (issue 14, part 1): output scalars by name and
/// index, segmentation regions, detection boxes and similarities. Each seed is the derivative of the
/// target's score (central differences), binding checks the target against its output's shape, and
/// on a real model an output target on the scores is the class target.
/// </summary>
public sealed class OutputTargetTests
{
    private static float[] Random(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
    }

    /// <summary>Central differences of Score against WriteSeed at every element (float32 scores, h = 1e-2: error ~h² times the third derivative).</summary>
    private static void AssertSeedIsDerivative(CamTarget target, float[] values, double tolerance = 2e-3)
    {
        var seed = new float[values.Length];
        target.WriteSeed(values, seed);
        const float h = 1e-2f;
        for (int j = 0; j < values.Length; j++)
        {
            var up = (float[])values.Clone();
            var down = (float[])values.Clone();
            up[j] += h;
            down[j] -= h;
            double numeric = (target.Score(up) - target.Score(down)) / (2.0 * h);
            Assert.True(Math.Abs(numeric - seed[j]) < tolerance * Math.Max(1, Math.Abs(seed[j])), $"{target.Name}: seed[{j}] = {seed[j]}, central difference {numeric}");
        }
    }

    [Fact]
    public void OutputTarget_SeedsOneElement_ByFlatOrPerAxisIndex()
    {
        var values = Random(2 * 3 * 4, 1);
        var perAxis = new OutputTarget("out", [1, 2, 3]).Bind(values, [2, 3, 4]);
        var flat = new OutputTarget("out", [23]).Bind(values, [2, 3, 4]);
        Assert.Equal(values[1 * 12 + 2 * 4 + 3], perAxis.Score(values));
        Assert.Equal(values[23], flat.Score(values));
        AssertSeedIsDerivative(perAxis, values);
        AssertSeedIsDerivative(new OutputTarget("out", [5], Negate: true).Bind(values, [2, 3, 4]), values);
        Assert.Equal("out", perAxis.Output);
    }

    [Theory]
    [InlineData(new[] { 2, 0, 0 }, "axis 0")]
    [InlineData(new[] { 24 }, "outside")]
    [InlineData(new[] { 1, 2 }, "2 axes")]
    [InlineData(new[] { 0, -1, 0 }, "axis 1")]
    public void OutputTarget_IndexOutsideTheOutput_IsRefused(int[] index, string why)
    {
        var e = Assert.Throws<ArgumentException>(() => new OutputTarget("out", index).Bind(new float[24], [2, 3, 4]));
        Assert.Contains(why, e.Message);
    }

    [Fact]
    public void SegmentationTarget_PredictedMask_IsTheArgmaxOfItsClass_AndSeedsIt()
    {
        var values = Random(3 * 4 * 5, 2);
        var target = (SegmentationTarget)new SegmentationTarget(1, new SegmentationRegion.Predicted()).Bind(values, [3, 4, 5]);
        double expected = 0;
        for (int q = 0; q < 20; q++)
        {
            int best = Enumerable.Range(0, 3).MaxBy(c => values[c * 20 + q]);
            Assert.Equal(best == 1 ? 1f : 0f, target.MaskPixels![q]);
            if (best == 1)
                expected += values[20 + q];
        }
        Assert.True(target.MaskPixels!.Sum() > 0, "the random output gives class 1 some pixels");
        Assert.Equal(expected, target.Score(values), 4);
        AssertSeedIsDerivative(target, values);
        // The mask is fixed from the unperturbed output (pytorch-grad-cam computes it once, before the targets run).
        var perturbed = values.Select(v => -v).ToArray();
        Assert.Equal(expected, target.Score(values), 4);
        Assert.NotEqual(((SegmentationTarget)new SegmentationTarget(1, new SegmentationRegion.Predicted()).Bind(perturbed, [3, 4, 5])).MaskPixels, target.MaskPixels);
    }

    [Fact]
    public void SegmentationTarget_BoxAndMask_SumThoseScores()
    {
        var values = Random(2 * 4 * 5, 3);
        var box = new SegmentationTarget(0, new SegmentationRegion.Box(1, 2, 4, 4)).Bind(values, [2, 4, 5]);
        double expected = 0;
        for (int y = 2; y < 4; y++)
            for (int x = 1; x < 4; x++)
                expected += values[y * 5 + x];
        Assert.Equal(expected, box.Score(values), 4);
        var maskValues = new byte[20];
        maskValues[7] = 255;
        maskValues[19] = 1;
        var mask = new SegmentationTarget(1, new SegmentationRegion.Mask(4, 5, maskValues)).Bind(values, [2, 4, 5]);
        Assert.Equal(values[20 + 7] + values[20 + 19], mask.Score(values), 5);
        AssertSeedIsDerivative(mask, values);
    }

    [Fact]
    public void SegmentationTarget_WrongMaskSizeOrShape_IsRefused()
    {
        Assert.Contains("5x4", Assert.Throws<ArgumentException>(() => new SegmentationTarget(0, new SegmentationRegion.Mask(5, 4, new byte[20])).Bind(new float[40], [2, 4, 5])).Message);
        Assert.Throws<ArgumentException>(() => new SegmentationTarget(0, new SegmentationRegion.Box(0, 0, 6, 2)).Bind(new float[40], [2, 4, 5]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SegmentationTarget(2, new SegmentationRegion.Predicted()).Bind(new float[40], [2, 4, 5]));
        Assert.Contains("[C, H, W]", Assert.Throws<ArgumentException>(() => new SegmentationTarget(0, new SegmentationRegion.Predicted()).Bind(new float[40], [40])).Message);
    }

    /// <summary>Rows [x1, y1, x2, y2, p0, p1, p2]: a detector output with three classes (0 = background).</summary>
    private static float[] Detections() =>
    [
        10, 10, 50, 60, 0.1f, 0.7f, 0.2f,
        12, 8, 48, 62, 0.2f, 0.1f, 0.7f,
        100, 100, 140, 150, 0.1f, 0.3f, 0.6f,
        0, 0, 20, 20, 0.8f, 0.1f, 0.1f,
    ];

    [Fact]
    public void DetectionTarget_MatchesTheBestIouRowOfTheSameLabel()
    {
        var rows = Detections();
        var layout = new ModelTask(ModelTaskKind.Detection, "detections", 0, 4, 0);
        // The first box overlaps row 0 best (label 1); the second overlaps row 2 (label 2); the third's best row has another label.
        var target = new DetectionTarget([new ReferenceBox(11, 9, 49, 61, 1), new ReferenceBox(102, 98, 141, 149, 2), new ReferenceBox(12, 8, 48, 62, 1)], layout).Bind(rows, [4, 7]);
        var matched = ((DetectionTarget)target).Match(rows);
        Assert.Equal([0, 2, -1], matched);
        double iou0 = DetectionTarget.Iou(new ReferenceBox(11, 9, 49, 61, 1), rows.AsSpan(0, 4));
        double iou2 = DetectionTarget.Iou(new ReferenceBox(102, 98, 141, 149, 2), rows.AsSpan(14, 4));
        Assert.Equal(iou0 + 0.7 + iou2 + 0.6, target.Score(rows), 5);
        // The gradient flows through the box corners (the IoU) and the matched score.
        AssertSeedIsDerivative(target, rows, 5e-3);
        var seed = new float[rows.Length];
        target.WriteSeed(rows, seed);
        Assert.Equal(1f, seed[5]);
        Assert.Equal(1f, seed[14 + 6]);
        Assert.All(seed.Skip(21), s => Assert.Equal(0f, s));
    }

    [Fact]
    public void DetectionTarget_NoMatch_IsZero_AndBadBoxesAreRefused()
    {
        var rows = Detections();
        var layout = new ModelTask(ModelTaskKind.Detection, "detections", 0, 4, 0);
        var far = new DetectionTarget([new ReferenceBox(300, 300, 320, 320, 1)], layout).Bind(rows, [4, 7]);
        Assert.Equal(0f, far.Score(rows));
        var seed = new float[rows.Length];
        far.WriteSeed(rows, seed);
        Assert.All(seed, s => Assert.Equal(0f, s));
        Assert.Contains("background", Assert.Throws<ArgumentException>(() => new DetectionTarget([new ReferenceBox(0, 0, 5, 5, 0)], layout).Bind(rows, [4, 7])).Message);
        Assert.Contains("x2 > x1", Assert.Throws<ArgumentException>(() => new DetectionTarget([new ReferenceBox(5, 0, 5, 5, 1)], layout).Bind(rows, [4, 7])).Message);
        Assert.Contains("model.json", Assert.Throws<ArgumentException>(() => new DetectionTarget([new ReferenceBox(0, 0, 5, 5, 1)]).Bind(rows, [4, 7])).Message);
        Assert.Contains("[N, columns]", Assert.Throws<ArgumentException>(() => new DetectionTarget([new ReferenceBox(0, 0, 5, 5, 1)], layout).Bind(rows, [28])).Message);
    }

    [Fact]
    public void SimilarityTarget_IsTheCosine_AndItsSeedTheDerivative()
    {
        var e = Random(16, 4);
        var r = Random(16, 5);
        var target = new SimilarityTarget(r).Bind(e, [16]);
        double dot = e.Zip(r, (a, b) => (double)a * b).Sum();
        double cos = dot / Math.Sqrt(e.Sum(a => (double)a * a)) / Math.Sqrt(r.Sum(b => (double)b * b));
        Assert.Equal(cos, target.Score(e), 5);
        Assert.Equal(1.0, new SimilarityTarget(e).Score(e), 5);
        AssertSeedIsDerivative(target, e);
        Assert.Contains("16 values", Assert.Throws<ArgumentException>(() => new SimilarityTarget(r).Bind(new float[8], [8])).Message);
        Assert.Contains("zero", Assert.Throws<ArgumentException>(() => new SimilarityTarget(new float[16]).Bind(e, [16])).Message);
    }

    [Theory]
    [InlineData("output:logits:3", "out:logits[3]")]
    [InlineData("neg-output:a/b:c:1,2", "out:a/b:c[1,2]-negated")]
    [InlineData("segment:7", "seg-c7")]
    [InlineData("segment:7:box=1,2,30,40", "seg-c7-box1,2,30,40")]
    [InlineData("box:3@10,20,30.5,40", "det-3@10,20,30.5,40")]
    [InlineData("box:3@10,20,30,40+5@1,1,9,9:iou=0.3", "det-3@10,20,30,40+5@1,1,9,9")]
    public void TargetSpec_ParsesTheOutputForms(string text, string name)
    {
        var target = TargetSpec.Parse(text);
        Assert.Equal(name, target.Name);
        if (target is DetectionTarget d && text.Contains("iou"))
            Assert.Equal(0.3f, d.IouThreshold);
    }

    [Theory]
    [InlineData("output:logits")]
    [InlineData("segment:x")]
    [InlineData("segment:1:box=1,2,3")]
    [InlineData("box:3@1,2,3")]
    [InlineData("box:3@1,2,3,4:iou=1.5")]
    public void TargetSpec_MalformedOutputForms_AreRefused(string text) =>
        Assert.Throws<ArgumentException>(() => TargetSpec.Parse(text));

    [Fact]
    public void TargetSpec_ReadsMasksAndEmbeddings_ThroughTheReader()
    {
        var png = Imaging.Png.PngEncoder.Encode(new byte[] { 0, 0, 0, 255, 255, 255, 0, 0, 0, 9, 0, 0 }, 2, 2, 3);
        var embedding = Engine.Tensors.Npy.ToBytes(Engine.Tensors.Tensor.FromArray([1f, 2f, 3f], 3));
        var files = new Dictionary<string, byte[]> { ["m.png"] = png, ["e.npy"] = embedding, ["b.jpg"] = [1, 2, 3] };
        var mask = (SegmentationTarget)TargetSpec.Parse("segment:1:mask=m.png", p => files[p]);
        Assert.Equal([false, true, false, true], ((SegmentationRegion.Mask)mask.Region).Values.Select(v => v != 0).ToArray());
        Assert.Equal([1f, 2f, 3f], ((SimilarityTarget)TargetSpec.Parse("similar:e.npy", p => files[p])).Reference);
        Assert.IsType<ImageSimilarityTarget>(TargetSpec.Parse("similar:b.jpg", p => files[p]));
        Assert.Contains("cannot read", Assert.Throws<ArgumentException>(() => TargetSpec.Parse("similar:missing.npy", _ => throw new FileNotFoundException("no such file"))).Message);
    }

    /// <summary>On a real model (the resnet18 engine fixture) an output target on the scores output is the class target, map for map, in one call.</summary>
    [Theory]
    [MemberData(nameof(Backends))]
    public void OutputTarget_OnTheScores_IsTheClassTarget(BackendKind backend)
    {
        var fixture = CamFixture.Require("resnet18");
        var card = new ModelCard { Name = "resnet18", OnnxPath = fixture.OnnxPath };
        using var explainer = new Explainer(ExecutionBackends.Open(new BackendOptions { Kind = backend, Threads = 2 }, card), card);
        string scores = explainer.ScoresOutput;
        var explanation = explainer.Explain(fixture.Input(), new ExplainOptions
        {
            Methods = ["gradcam", "ablationcam"],
            Targets = TargetSelection.Of([new ClassTarget(7), new OutputTarget(scores, [7]), new ClassTarget(9, Counterfactual: true), new OutputTarget(scores, [9], Negate: true)]),
        });
        foreach (string method in new[] { "gradcam", "ablationcam" })
        {
            Assert.Equal(Map(explanation, method, "c7"), Map(explanation, method, $"out:{scores}[7]"));
            Assert.Equal(Map(explanation, method, "c9-counterfactual"), Map(explanation, method, $"out:{scores}[9]-negated"));
        }
        var unknown = Assert.Throws<ArgumentException>(() => explainer.Explain(fixture.Input(), new ExplainOptions { Methods = ["gradcam"], Targets = TargetSelection.Of([new OutputTarget("nope", [0])]) }));
        Assert.Contains("no output 'nope'", unknown.Message);
        var mixed = Assert.Throws<ArgumentException>(() => explainer.Explain(fixture.Input(), new ExplainOptions { Methods = ["gradcam"], Targets = TargetSelection.Of([new OutputTarget(scores, [0]), new OutputTarget("other", [0])]) }));
        Assert.Contains("one output", mixed.Message);
        Assert.Throws<ArgumentException>(() => explainer.Explain(fixture.Input(), new ExplainOptions { Methods = ["gradcam"], Targets = TargetSelection.Of([new OutputTarget(scores, [1000])]) }));
    }

    public static TheoryData<BackendKind> Backends() => new(Fixtures.CamFixtureTests.Backends);

    private static float[] Map(Explanation explanation, string method, string target) =>
        explanation.Maps.Single(m => m.Method == method && m.Target == target).Map;
}

/// <summary>Map file names from target names that carry ONNX output names.</summary>
public sealed class MapFileStemTests
{
    [Fact]
    public void FileStem_KeepsSafeNames_AndReplacesSeparators()
    {
        var taken = new HashSet<string>();
        Assert.Equal("gradcam-c3-softmax", Output.ExplanationWriter.FileStem("gradcam-c3-softmax", taken));
        Assert.Equal("gradcam-out_.._a_b_3_", Output.ExplanationWriter.FileStem("gradcam-out:../a/b[3]", taken));
        Assert.Equal("gradcam-det-3@10,20,30,40+5@1,1,9,9", Output.ExplanationWriter.FileStem("gradcam-det-3@10,20,30,40+5@1,1,9,9", taken));
        Assert.Equal("gradcam-out_.._a_b_3_-2", Output.ExplanationWriter.FileStem("gradcam-out:../a\\b[3]", taken));
    }
}
