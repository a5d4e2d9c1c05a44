using Explain.Cam.Targets;
using Explain.Cam.Tests.Support;
using Explain.Engine.Errors;
using Explain.Engine.Graph;
using Explain.Engine.Tensors;
using Explain.Imaging.Preprocessing;

namespace Explain.Cam.Tests.Regression;

/// <summary>Focused regressions of <see cref="Explainer"/> on the resnet18 engine fixture (112×112, fast).</summary>
public sealed class ExplainerRegressionTests
{
    private static readonly string[] AllMethods =
        ["gradcam", "gradcam++", "xgradcam", "hirescam", "gradcam-elementwise", "layercam", "eigencam", "eigengradcam", "guided-backprop", "guided-gradcam"];

    private readonly CamFixture _fixture = CamFixture.Require("resnet18");

    [Fact]
    public void Explain_EveryMethod_LeavesInputTensorUnchanged()
    {
        // Arrange
        var input = _fixture.Input();
        var before = (float[])input.Floats.Clone();
        var options = Options(AllMethods, [633, 980]);

        // Act
        _fixture.CreateExplainer().Explain(input, options);

        // Assert
        Assert.Equal(before, input.Floats);
    }

    [Fact]
    public void Explain_TwoClassesInOneCall_EqualTwoSeparateCalls()
    {
        // Arrange
        var explainer = _fixture.CreateExplainer();
        var input = _fixture.Input();
        string[] methods = ["gradcam", "gradcam++", "layercam", "eigengradcam", "guided-backprop", "guided-gradcam"];

        // Act
        var both = explainer.Explain(input, Options(methods, [633, 980]));
        var first = explainer.Explain(input, Options(methods, [633]));
        var second = explainer.Explain(input, Options(methods, [980]));

        // Assert
        foreach (var single in first.Maps.Concat(second.Maps))
        {
            var batched = both.Maps.Single(m => m.Method == single.Method && m.Class == single.Class);
            Assert.True(single.Raw.SequenceEqual(batched.Raw), $"{single.Method} c{single.Class}: raw differs, max |Δ| {MapError.MaxAbs(batched.Raw, single.Raw):G3}");
            Assert.True(single.Map.SequenceEqual(batched.Map), $"{single.Method} c{single.Class}: map differs, max |Δ| {MapError.MaxAbs(batched.Map, single.Map):G3}");
        }
    }

    [Fact]
    public void Explain_CounterfactualTarget_NegatesGradCamRaw()
    {
        // Arrange
        var explainer = _fixture.CreateExplainer();
        var input = _fixture.Input();

        // Act
        var plain = explainer.Explain(input, Options(["gradcam"], [633])).Maps.Single();
        var counter = explainer.Explain(input, Options(["gradcam"], [633]) with { Targets = new TargetSelection([633], 0, Counterfactual: true) }).Maps.Single();

        // Assert: the seed is −1, so every gradient and every Grad-CAM weight flips sign (negation is exact in IEEE arithmetic).
        Assert.Equal("c633-counterfactual", counter.Target);
        Assert.Equal(633, counter.Class);
        Assert.Equal(MapError.Negated(plain.Raw), counter.Raw);
        Assert.Contains(plain.Raw, v => v > 0); // resnet18's c633 map is all positive, so the counterfactual's normalized map is all zero
        Assert.All(counter.Map, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Explain_UnknownMethod_ThrowsArgumentExceptionNamingKnownMethods()
    {
        var explainer = _fixture.CreateExplainer();

        var e = Assert.Throws<ArgumentException>(() => explainer.Explain(_fixture.Input(), Options(["gradcam", "grad-cam"], [633])));

        Assert.Contains("'grad-cam'", e.Message);
        foreach (var known in new[] { "gradcam", "gradcam++", "layercam", "eigencam", "guided-backprop" })
            Assert.Contains(known, e.Message);
    }

    [Fact]
    public void Explain_UnknownLayer_ThrowsEngineExceptionNamingLayer()
    {
        var explainer = _fixture.CreateExplainer(Explain.Cam.Backends.BackendKind.Managed);

        var e = Assert.ThrowsAny<EngineException>(() => explainer.Explain(_fixture.Input(), Options(["gradcam"], [633]) with { Layers = ["no.such.layer"] }));

        Assert.Contains("no.such.layer", e.Message);
    }

    [Fact]
    public void Explain_UnknownLayerOnOnnxRuntime_ThrowsArgumentExceptionNamingLayer()
    {
        var explainer = _fixture.CreateExplainer(Explain.Cam.Backends.BackendKind.OnnxRuntime);

        var e = Assert.Throws<ArgumentException>(() => explainer.Explain(_fixture.Input(), Options(["gradcam"], [633]) with { Layers = ["no.such.layer"] }));

        Assert.Contains("no.such.layer", e.Message);
    }

    [Fact]
    public void Explain_NonSpatialLayer_ThrowsArgumentException()
    {
        var explainer = _fixture.CreateExplainer();

        var e = Assert.Throws<ArgumentException>(() => explainer.Explain(_fixture.Input(), Options(["gradcam"], [633]) with { Layers = [_fixture.OutputName] }));

        Assert.Contains(_fixture.OutputName, e.Message);
    }

    [Fact]
    public void Explain_TwoLayers_AveragesEachLayersNormalizedMap()
    {
        // Arrange: the last ReLU at a finer resolution than the target (resnet18's layer3 output, 7×7 against 4×4).
        var explainer = _fixture.CreateExplainer();
        var input = _fixture.Input();
        var tensors = new Session(_fixture.Model).DescribeTensors();
        int h = tensors.Single(t => t.Name == _fixture.ActivationName).Shape[2];
        string earlier = tensors.Last(t => t.Shape.Length == 4 && t.Shape[2] > h && t.Producer is "Relu").Name;
        int height = input.Shape[2], width = input.Shape[3];

        // Act
        var both = explainer.Explain(input, Options(["gradcam"], [633]) with { Layers = [_fixture.ActivationName, earlier] }).Maps.Single();
        var last = explainer.Explain(input, Options(["gradcam"], [633])).Maps.Single();
        var first = explainer.Explain(input, Options(["gradcam"], [633]) with { Layers = [earlier] }).Maps.Single();

        // Assert: issue 3's mean aggregation, as pytorch-grad-cam 1.5 aggregate_multi_layers: per layer
        // ReLU → min-max → resize, then the mean, then min-max.
        var sum = new double[height * width];
        foreach (var map in new[] { last, first })
        {
            var scaled = MinMax(map.Raw.Select(v => Math.Max(v, 0f)).ToArray());
            var resized = MapResize.Bilinear(scaled, map.RawShape[0], map.RawShape[1], height, width);
            for (int i = 0; i < sum.Length; i++) sum[i] += resized[i] / 2.0;
        }
        var expected = MinMax(sum.Select(v => (float)v).ToArray());
        Assert.Equal(last.Raw, both.Raw);
        Assert.True(MapError.MaxAbs(both.Map, expected) < 1e-5, $"max |Δ| {MapError.MaxAbs(both.Map, expected):G3}");
        Assert.True(MapError.MaxAbs(both.Map, last.Map) > 1e-2, "the earlier layer changed nothing");
    }

    [Fact]
    public void Explain_TopTwoTargets_ExplainsTheTwoBestClassesInRankOrder()
    {
        var explainer = _fixture.CreateExplainer();

        var explanation = explainer.Explain(_fixture.Input(), Options(["gradcam"], []) with { Targets = new TargetSelection([], 2, false) });

        // cam_meta.json: 633 (logit 3.45) and 980 (3.11) are resnet18's two best classes on this input.
        Assert.Equal(new int?[] { 633, 980 }, explanation.Maps.Select(m => m.Class));
        Assert.Equal(new[] { 633, 980 }, explanation.Predictions.Take(2).Select(p => p.Class));
    }

    [Fact]
    public void Explain_BatchOfTwo_ThrowsArgumentException()
    {
        var one = _fixture.Input();
        var two = Tensor.FromArray([.. one.Floats, .. one.Floats], 2, one.Shape[1], one.Shape[2], one.Shape[3]);

        var e = Assert.Throws<ArgumentException>(() => _fixture.CreateExplainer().Explain(two, Options(["gradcam"], [633])));

        Assert.Contains("[1, C, H, W]", e.Message);
    }

    private static float[] MinMax(float[] x)
    {
        float min = x.Min();
        float max = x.Max() - min;
        return x.Select(v => (v - min) / (max + 1e-7f)).ToArray();
    }

    private ExplainOptions Options(string[] methods, int[] classes) =>
        new() { Methods = methods, Layers = [_fixture.ActivationName], Targets = new TargetSelection(classes, 0, false) };
}
