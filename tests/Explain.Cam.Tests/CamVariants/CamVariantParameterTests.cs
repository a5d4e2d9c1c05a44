using Explain.Cam.Attribution;
using Explain.Cam.Backends;
using Explain.Cam.Methods;
using Explain.Cam.Targets;
using Explain.Cam.Tests.Support;

namespace Explain.Cam.Tests.CamVariants;

/// <summary>The CAM variants' parameters: out of range is an ArgumentException naming the field, before any pass runs.</summary>
public sealed class CamVariantParameterTests
{
    public static TheoryData<string, AttributionParameters> BadParameters() => new()
    {
        { "finercam_alpha", AttributionParameters.Default with { FinerCamAlpha = -0.5f } },
        { "finercam_alpha", AttributionParameters.Default with { FinerCamAlpha = float.NaN } },
        { "finercam_alpha", AttributionParameters.Default with { FinerCamAlpha = 11f } },
        { "finercam_comparisons", AttributionParameters.Default with { FinerCamComparisons = 0 } },
        { "finercam_comparisons", AttributionParameters.Default with { FinerCamComparisons = 17 } },
        { "kpca_kernel", AttributionParameters.Default with { KpcaKernel = (KpcaKernel)42 } },
        { "kpca_gamma", AttributionParameters.Default with { KpcaGamma = -1f } },
        { "kpca_gamma", AttributionParameters.Default with { KpcaGamma = float.PositiveInfinity } },
        { "fem_k", AttributionParameters.Default with { FemK = -1f } },
        { "fem_k", AttributionParameters.Default with { FemK = float.NaN } },
    };

    [Theory]
    [MemberData(nameof(BadParameters))]
    public void Explain_ParameterOutOfRange_ThrowsNamingTheField(string field, AttributionParameters parameters)
    {
        var fixture = CamVariantFixture.Require("resnet18");
        using var explainer = fixture.CreateExplainer(BackendKind.OnnxRuntime);

        var e = Assert.Throws<ArgumentException>(() => explainer.Explain(fixture.Input(), new ExplainOptions { Methods = ["finercam"], Attribution = parameters }));

        Assert.StartsWith(field + " ", e.Message);
    }

    [Fact]
    public void FinerCamTarget_SeedRow_IsTheGradientOfTheScore()
    {
        // The analytic row against central differences of T (float64), on made-up scores.
        float[] scores = [2.0f, 1.7f, -0.3f, 1.9f, 0.4f, 1.65f];
        const int c = 0, k = 3;
        const double alpha = 0.7;
        var seed = FinerCamTarget.Seed(scores, c, alpha, k);
        var comparisons = FinerCamTarget.Comparisons(scores, c, k);
        Assert.Equal([3, 1, 5], comparisons);
        for (int m = 0; m < scores.Length; m++)
        {
            double h = 1e-4;
            var plus = scores.Select(v => (double)v).ToArray();
            var minus = (double[])plus.Clone();
            plus[m] += h;
            minus[m] -= h;
            double numeric = (Score(plus, c, alpha, comparisons) - Score(minus, c, alpha, comparisons)) / (2 * h);
            Assert.True(Math.Abs(numeric - seed[m]) < 1e-6, $"class {m}: analytic {seed[m]}, numeric {numeric}");
        }
    }

    [Fact]
    public void FinerCamTarget_MoreComparisonsThanClasses_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => FinerCamTarget.Comparisons([1f, 2f, 3f], 0, 3));
        Assert.StartsWith("finercam_comparisons ", e.Message);
    }

    private static double Score(double[] y, int c, double alpha, int[] comparisons)
    {
        double max = y.Max(), z = y.Sum(v => Math.Exp(v - max));
        double p(int j) => Math.Exp(y[j] - max) / z;
        double numerator = comparisons.Sum(j => p(j) * (y[c] - alpha * y[j]));
        return numerator / (comparisons.Sum(p) + 1e-9);
    }
}
