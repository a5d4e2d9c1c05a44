using Explain.Cam.Backends;
using Explain.Cam.Perturbation;
using Explain.Cam.Targets;
using Explain.Cam.Tests.Support;
using Xunit.Abstractions;

namespace Explain.Cam.Tests.Perturbations;

/// <summary>
/// Issue 13, stochastic methods: the same seed gives bit-identical maps; another seed gives a
/// different draw whose map stays close (Pearson correlation of the normalized maps, resnet18
/// fixture, ORT). Bounds: ≥ 0.5 for all three — smoothgradcam++ averages 8 noisy gradients at layer3
/// (the fixture's smoothgradcam++ layer), sscam averages 8 noisy scores per channel before a softmax and combines the same
/// activations; rise (on a real model, see its test) sums 500 masks of a smooth 7 × 7 grid — yet &lt; 1
/// (the draw changed). iscam and
/// occlusion draw nothing: one seed or another, their maps are identical. Measured 2026-12-02:
/// smoothgradcam++ 1.000 to three places (layer3's gradients change little under σ = 0.3), sscam 0.999, rise 0.879.
/// </summary>
public sealed class PerturbationStochasticTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("smoothgradcam++")]
    [InlineData("sscam")]
    public void Explain_SameSeed_IdenticalMaps_DifferentSeed_CorrelatedMaps(string method)
    {
        var a = Map(method, 7);
        var b = Map(method, 7);
        var c = Map(method, 8);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        double r = Pearson(a, c);
        output.WriteLine($"{method}: correlation of seeds 7 and 8 = {r:F3}");
        Assert.True(r >= 0.5 && r < 1, $"{method}: correlation {r:F3} outside [0.5, 1)");
    }

    /// <summary>
    /// RISE on the fixture's random-weight resnet18 is mostly mask-sampling noise (its softmax
    /// probabilities hardly move between masks: seeds 7 and 8 correlate at −0.13 with 400 masks), so
    /// identity is checked there and the correlation on the real mobilenet_v2 and both.png, where the
    /// bull mastiff's probability does depend on what a mask keeps.
    /// </summary>
    [Fact]
    public void Explain_Rise_SameSeedIdentical_DifferentSeedCorrelatedOnARealModel()
    {
        var a = Map("rise", 7, 64);
        Assert.Equal(a, Map("rise", 7, 64));
        Assert.NotEqual(a, Map("rise", 8, 64));
        var dog7 = RealRise(7);
        var dog8 = RealRise(8);
        double r = Pearson(dog7, dog8);
        output.WriteLine($"rise (mobilenet_v2, both.png, class 243, {RealMasks} masks): correlation of seeds 7 and 8 = {r:F3}");
        Assert.True(r >= RealBound && r < 1, $"rise: correlation {r:F3} outside [{RealBound}, 1)");
    }

    private const int RealMasks = 500;
    private const double RealBound = 0.5;

    private static float[] RealRise(ulong seed)
    {
        using var explainer = BothScene.CreateExplainer();
        return explainer.Explain(BothScene.Input().Tensor, new ExplainOptions
        {
            Methods = ["rise"],
            Targets = new TargetSelection([BothScene.BullMastiff], 0, false),
            Seed = seed,
            Perturbation = PerturbationParameters.Default with { RiseMasks = RealMasks },
        }).Maps.Single().Map;
    }

    [Theory]
    [InlineData("iscam")]
    [InlineData("occlusion")]
    public void Explain_DeterministicMethod_SeedDoesNotMatter(string method) =>
        Assert.Equal(Map(method, 7), Map(method, 8));

    private static float[] Map(string method, ulong seed, int riseMasks = 400)
    {
        var fixture = PerturbFixture.Require("resnet18");
        using var explainer = fixture.CreateExplainer(BackendKind.OnnxRuntime);
        var explanation = explainer.Explain(fixture.Input(), new ExplainOptions
        {
            Methods = [method],
            Layers = [fixture.LayerOf(method)],
            Targets = new TargetSelection([fixture.Classes[0]], 0, false),
            Seed = seed,
            ScoreCamChannels = 16,
            Perturbation = PerturbationParameters.Default with
            {
                SmoothGradCamPlusPlusSamples = 8, SsCamSamples = 8, IsCamSamples = 4, RiseMasks = riseMasks, OcclusionWindow = 28, OcclusionStride = 28,
            },
        });
        return explanation.Maps.Single().Map;
    }

    private static double Pearson(float[] x, float[] y)
    {
        double mx = x.Average(v => (double)v), my = y.Average(v => (double)v), sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double dx = x[i] - mx, dy = y[i] - my;
            sxy += dx * dy; sxx += dx * dx; syy += dy * dy;
        }
        return sxy / Math.Sqrt(sxx * syy);
    }
}
