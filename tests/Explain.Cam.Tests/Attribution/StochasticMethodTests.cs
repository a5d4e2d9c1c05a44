using Explain.Cam.Attribution;
using Explain.Cam.Backends;
using Explain.Cam.Targets;
using Explain.Cam.Tests.Support;
using Xunit.Abstractions;

namespace Explain.Cam.Tests.Attribution;

/// <summary>
/// Issue 13, stochastic methods: the same seed gives bit-identical maps; a different seed gives a
/// different draw whose map stays close. Bounds (resnet18 fixture, 16 samples): SmoothGrad's maps of
/// seeds 7 and 8 must correlate (Pearson, normalized maps) ≥ 0.5 — the mean over 16 samples of
/// |gradient| shares most of its structure whatever the noise — yet differ; RandomCAM's weights are
/// independent draws, so only "not identical" is asserted for it. Measured 2026-12-02: smoothgrad
/// 0.820, vargrad 0.662.
/// </summary>
public sealed class StochasticMethodTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("smoothgrad")]
    [InlineData("vargrad")]
    [InlineData("randomcam")]
    public void Explain_SameSeed_IdenticalMaps_DifferentSeed_DifferentMaps(string method)
    {
        var a = Map(method, 7);
        var b = Map(method, 7);
        var c = Map(method, 8);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        double r = Pearson(a, c);
        output.WriteLine($"{method}: correlation of seeds 7 and 8 = {r:F3}");
        if (method != "randomcam")
            Assert.True(r >= 0.5 && r < 1, $"{method}: correlation {r:F3} outside [0.5, 1)");
    }

    private static float[] Map(string method, ulong seed)
    {
        var fixture = CamFixture.Require("resnet18");
        using var explainer = fixture.CreateExplainer(BackendKind.OnnxRuntime);
        var explanation = explainer.Explain(fixture.Input(), new ExplainOptions
        {
            Methods = [method],
            Layers = [fixture.ActivationName],
            Targets = new TargetSelection([fixture.Classes[0]], 0, false),
            Seed = seed,
            Attribution = AttributionParameters.Default with { SmoothGradSamples = 16 },
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
