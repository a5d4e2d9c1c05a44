using Explain.Cam.Targets;

namespace Explain.Cam.Tests.Targets;

/// <summary>Each target's seed is the derivative of its score: checked against central differences of <see cref="CamTarget.Score"/>.</summary>
public sealed class TargetSeedTests
{
    private static readonly float[] Scores = [2.5f, -1.0f, 0.3f, 4.0f, -3.2f, 0.0f];

    private static readonly string[] SpecList = ["logit:3", "softmax:3", "softmax:1", "rest:0", "sum", "labels:0,2,5"];

    public static TheoryData<string> Specs() => new(SpecList);

    [Theory]
    [MemberData(nameof(Specs))]
    public void Seed_IsTheScoresDerivative(string spec)
    {
        var target = TargetSpec.Parse(spec);
        var seed = new float[Scores.Length];
        target.WriteSeed(Scores, seed);
        const float h = 1e-2f;
        for (int j = 0; j < Scores.Length; j++)
        {
            var up = (float[])Scores.Clone();
            var down = (float[])Scores.Clone();
            up[j] += h;
            down[j] -= h;
            double numeric = (target.Score(up) - target.Score(down)) / (2.0 * h);
            Assert.True(Math.Abs(numeric - seed[j]) < 2e-3 * Math.Max(1, Math.Abs(seed[j])), $"{spec}: seed[{j}] = {seed[j]}, central difference {numeric}");
        }
    }

    /// <summary>∇²T·v equals the central difference of the seed (∇T) along v; zero for linear targets.</summary>
    [Theory]
    [MemberData(nameof(Specs))]
    public void HessianProduct_IsTheSeedsDirectionalDerivative(string spec)
    {
        var target = TargetSpec.Parse(spec);
        double[] v = [0.3, -1.2, 0.7, 0.05, 2.0, -0.4];
        var product = new double[Scores.Length];
        target.WriteHessianProduct(Scores, v, product);
        const double h = 1e-3;
        var up = new float[Scores.Length];
        var down = new float[Scores.Length];
        target.WriteSeed(Scores.Select((s, j) => (float)(s + h * v[j])).ToArray(), up);
        target.WriteSeed(Scores.Select((s, j) => (float)(s - h * v[j])).ToArray(), down);
        for (int j = 0; j < Scores.Length; j++)
        {
            double numeric = (up[j] - down[j]) / (2 * h);
            Assert.True(Math.Abs(numeric - product[j]) < 5e-3, $"{spec}: (H v)[{j}] = {product[j]}, central difference {numeric}");
        }
    }

    [Fact]
    public void Softmax_ScoreIsTheProbability()
    {
        double max = Scores.Max();
        double sum = Scores.Sum(s => Math.Exp(s - max));
        Assert.Equal(Math.Exp(Scores[3] - max) / sum, new SoftmaxTarget(3).Score(Scores), 6);
        Assert.Equal(2 * Scores[3] - (max + Math.Log(sum)), new RestTarget(3).Score(Scores), 5);
    }

    [Theory]
    [InlineData("softmax")]
    [InlineData("logit:x")]
    [InlineData("labels:")]
    [InlineData("binary:maybe")]
    [InlineData("sum:3")]
    [InlineData("probability:3")]
    [InlineData("labels:1,1")]
    public void Parse_Malformed_NamesTheForms(string spec)
    {
        var e = Assert.Throws<ArgumentException>(() => TargetSpec.Parse(spec));
        Assert.Contains(spec.Split(':')[0], e.Message);
    }

    [Fact]
    public void Resolve_ClassOutOfRange_Fails()
    {
        var selection = TargetSelection.Of([new SoftmaxTarget(6)]);
        Assert.Throws<ArgumentOutOfRangeException>(() => selection.Resolve(Scores));
    }

    [Fact]
    public void Names_AreDistinctPerKind()
    {
        var names = SpecList.Select(s => TargetSpec.Parse(s).Name).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Equal("labels-0+2+5", TargetSpec.Parse("labels:0,2,5").Name);
    }
}
