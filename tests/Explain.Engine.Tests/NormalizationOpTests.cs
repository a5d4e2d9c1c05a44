using Explain.Engine.Errors;
using Explain.Engine.Ops;
using Explain.Engine.Tensors;
using static Explain.Engine.Tests.OpTestHelpers;

namespace Explain.Engine.Tests;

public class NormalizationOpTests
{
    private static Tensor[] BatchNormInputs(int channels, int seed) =>
    [
        Uniform([2, channels, 3, 4], seed, -2, 2),
        Uniform([channels], seed + 1, 0.5f, 1.5f),
        Uniform([channels], seed + 2, -1, 1),
        Uniform([channels], seed + 3, -1, 1),
        Uniform([channels], seed + 4, 0.2f, 2),
    ];

    [Fact]
    public void BatchNormalization_Forward_MatchesDoubleReference()
    {
        var inputs = BatchNormInputs(3, 1);

        var y = Forward(Factory("BatchNormalization", 15, ("epsilon", 1e-3f))(), inputs)[0];

        var (x, scale, bias, mean, variance) = (inputs[0].Floats, inputs[1].Floats, inputs[2].Floats, inputs[3].Floats, inputs[4].Floats);
        for (int k = 0; k < x.Length; k++)
        {
            int c = k / 12 % 3;
            double expected = scale[c] * (x[k] - mean[c]) / Math.Sqrt(variance[c] + 1e-3) + bias[c];
            AssertNear(expected, y.Floats[k]);
        }
    }

    [Fact]
    public void BatchNormalization_Backward_MatchesFiniteDifferences()
    {
        GradientCheck.Check(Factory("BatchNormalization", 15), BatchNormInputs(3, 2), [0]);
    }

    [Fact]
    public void BatchNormalization_ThreeSeeds_EqualsThreeSeparatePasses()
    {
        AssertBatchedSeedsMatch(Factory("BatchNormalization", 15), BatchNormInputs(4, 3), [0]);
    }

    [Fact]
    public void BatchNormalization_TrainingMode_IsUnsupportedAtBuild()
    {
        Assert.Throws<UnsupportedFeatureException>(() => Factory("BatchNormalization", 15, ("training_mode", 1L))());
    }

    [Theory]
    [InlineData(-1L, true)]
    [InlineData(1L, false)]
    [InlineData(0L, true)]
    [InlineData(2L, true)]
    public void LayerNormalization_Forward_MatchesDoubleReference(long axis, bool withBias)
    {
        var x = Uniform([2, 3, 4], 5, -3, 3);
        int a = (int)(axis < 0 ? axis + 3 : axis);
        int[] rowShape = x.Shape[a..];
        var inputs = new List<Tensor> { x, Uniform(rowShape, 6, 0.5f, 1.5f) };
        if (withBias)
            inputs.Add(Uniform(rowShape, 7, -1, 1));

        var outputs = Forward(Factory("LayerNormalization", 17, ("axis", axis), ("epsilon", 1e-4f))(), [.. inputs]);

        int width = TensorShape.ElementCount(rowShape);
        for (int r = 0; r < x.Length / width; r++)
        {
            var row = x.Floats.Skip(r * width).Take(width).Select(v => (double)v).ToArray();
            double mu = row.Average(), inv = 1 / Math.Sqrt(row.Select(v => (v - mu) * (v - mu)).Average() + 1e-4);
            AssertNear(mu, outputs[1].Floats[r]);
            AssertNear(inv, outputs[2].Floats[r]);
            for (int i = 0; i < width; i++)
            {
                double expected = (row[i] - mu) * inv * inputs[1].Floats[i] + (withBias ? inputs[2].Floats[i] : 0);
                AssertNear(expected, outputs[0].Floats[r * width + i]);
            }
        }
        Assert.Equal([.. x.Shape[..a], .. Enumerable.Repeat(1, 3 - a)], outputs[1].Shape);
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(1L)]
    [InlineData(0L)]
    public void LayerNormalization_BackwardAllOutputs_MatchesFiniteDifferences(long axis)
    {
        var x = Uniform([2, 3, 4], 8, -2, 2);
        int a = (int)(axis < 0 ? axis + 3 : axis);

        GradientCheck.Check(Factory("LayerNormalization", 17, ("axis", axis)), [x, Uniform(x.Shape[a..], 9, 0.5f, 1.5f), Uniform(x.Shape[a..], 10, -1, 1)], [0], step: 1e-3f);
    }

    [Fact]
    public void LayerNormalization_ThreeSeeds_EqualsThreeSeparatePasses()
    {
        AssertBatchedSeedsMatch(Factory("LayerNormalization", 17), [Uniform([2, 3, 4], 11, -2, 2), Uniform([4], 12, 0.5f, 1.5f)], [0]);
    }
}
