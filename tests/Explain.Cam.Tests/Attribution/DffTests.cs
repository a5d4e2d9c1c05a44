using Explain.Cam.Attribution;
using Explain.Cam.Tests.Support;
using Explain.Cam.Targets;

namespace Explain.Cam.Tests.Attribution;

/// <summary>Deep Feature Factorization: the factorization itself, its limits and how dff combines with other options.</summary>
public sealed class DffTests
{
    [Fact]
    public void Factorize_ExactNonNegativeRankThree_RecoversTheMatrix()
    {
        var (a, rows, columns) = LowRank(rows: 40, columns: 25, rank: 3, seed: 11);

        var (w, h) = NonNegativeFactorization.Factorize(a, rows, columns, 3, sweeps: 500);

        Assert.All(w, v => Assert.True(v >= 0));
        Assert.All(h, v => Assert.True(v >= 0));
        Assert.True(RelativeResidual(a, w, h, rows, columns, 3) < 1e-3, $"residual {RelativeResidual(a, w, h, rows, columns, 3)}");
    }

    [Fact]
    public void Factorize_MoreSweeps_NeverIncreasesTheResidual()
    {
        var (a, rows, columns) = LowRank(rows: 30, columns: 30, rank: 6, seed: 3);

        double previous = double.PositiveInfinity;
        foreach (int sweeps in new[] { 1, 5, 25, 100 })
        {
            var (w, h) = NonNegativeFactorization.Factorize(a, rows, columns, 4, sweeps);
            double residual = RelativeResidual(a, w, h, rows, columns, 4);
            Assert.True(residual <= previous + 1e-12, $"{sweeps} sweeps: {residual} > {previous}");
            previous = residual;
        }
    }

    [Fact]
    public void Factorize_SameInput_IdenticalFactors()
    {
        var (a, rows, columns) = LowRank(rows: 20, columns: 16, rank: 5, seed: 5);

        var first = NonNegativeFactorization.Factorize(a, rows, columns, 4, 50);
        var second = NonNegativeFactorization.Factorize(a, rows, columns, 4, 50);

        Assert.Equal(first.W, second.W);
        Assert.Equal(first.H, second.H);
    }

    [Fact]
    public void Factorize_MoreConceptsThanPositions_NamesTheParameter()
    {
        var (a, rows, columns) = LowRank(rows: 10, columns: 4, rank: 2, seed: 1);

        var e = Assert.Throws<ArgumentException>(() => NonNegativeFactorization.Factorize(a, rows, columns, 5, 10));

        Assert.StartsWith("dff_concepts 5: the layer's 10 × 4 activations allow 1..4 concepts", e.Message);
    }

    [Theory]
    [InlineData(0, 200, 2, "dff_concepts 0 is outside 1..32")]
    [InlineData(33, 200, 2, "dff_concepts 33 is outside 1..32")]
    [InlineData(5, 0, 2, "dff_iterations 0 is outside 1..1000")]
    [InlineData(5, 1001, 2, "dff_iterations 1001 is outside 1..1000")]
    [InlineData(5, 200, 11, "dff_top_classes 11 is outside 1..10")]
    public void Validate_DffParameterOutOfRange_NamesIt(int concepts, int iterations, int top, string expected)
    {
        var p = AttributionParameters.Default with { DffConcepts = concepts, DffIterations = iterations, DffTopClasses = top };

        var e = Assert.Throws<ArgumentException>(p.Validate);

        Assert.Equal(expected, e.Message);
    }

    [Fact]
    public void Explain_DffWithAugSmooth_IsRejectedBeforeAnyPass()
    {
        using var explainer = BothScene.CreateExplainer();

        var e = Assert.Throws<ArgumentException>(() => explainer.Explain(BothScene.Input().Tensor, new ExplainOptions { Methods = ["dff"], AugSmooth = true }));

        Assert.Contains("dff does not combine with aug_smooth", e.Message);
    }

    [Fact]
    public void Explain_DffOnMobileNet_ConceptsWithLabelledClassesAndConceptText()
    {
        using var explainer = BothScene.CreateExplainer();

        var explanation = explainer.Explain(BothScene.Input().Tensor, new ExplainOptions { Methods = ["dff", "gradcam"], Targets = new TargetSelection([243], 0, false) });

        var concepts = explanation.Maps.Where(m => m.Method == "dff").ToList();
        Assert.Equal(["concept-0", "concept-1", "concept-2", "concept-3", "concept-4"], concepts.Select(m => m.Target));
        Assert.All(concepts, m =>
        {
            Assert.Null(m.Class);
            Assert.Equal(2, m.ConceptClasses!.Count);
            Assert.True(m.ConceptClasses[0].Probability >= m.ConceptClasses[1].Probability);
            Assert.Equal(1f, m.Map.Max(), 3);
        });
        // Concepts are different parts of the picture, not copies of one map.
        Assert.True(concepts.Select(m => Array.IndexOf(m.Raw, m.Raw.Max())).Distinct().Count() >= 2);
        var text = Assert.Single(explanation.Texts!);
        Assert.True(text.Concepts);
        Assert.StartsWith("bull mastiff: ", text.Sentence);
        Assert.Matches(@"^bull mastiff: \d+ % from concept \d \([^)]+\)", text.Sentence);
        Assert.True(text.Channels.Sum(c => c.Share) <= 1.0001f);
    }

    private static (double[] A, int Rows, int Columns) LowRank(int rows, int columns, int rank, int seed)
    {
        var random = new Random(seed);
        var w = Enumerable.Range(0, rows * rank).Select(_ => random.NextDouble()).ToArray();
        var h = Enumerable.Range(0, rank * columns).Select(_ => random.NextDouble()).ToArray();
        return (Product(w, h, rows, columns, rank), rows, columns);
    }

    private static double[] Product(double[] w, double[] h, int rows, int columns, int k)
    {
        var a = new double[rows * columns];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++)
                for (int t = 0; t < k; t++)
                    a[i * columns + j] += w[i * k + t] * h[t * columns + j];
        return a;
    }

    private static double RelativeResidual(double[] a, double[] w, double[] h, int rows, int columns, int k)
    {
        var product = Product(w, h, rows, columns, k);
        double diff = 0, norm = 0;
        for (int i = 0; i < a.Length; i++)
        {
            diff += (a[i] - product[i]) * (a[i] - product[i]);
            norm += a[i] * a[i];
        }
        return Math.Sqrt(diff / norm);
    }
}
