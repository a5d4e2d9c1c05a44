using Explain.Engine.Tensors;
using static Explain.Engine.Tests.OpTestHelpers;

namespace Explain.Engine.Tests;

public class SoftmaxOpTests
{
    /// <summary>Reference over an explicit [outer, dim, inner] view in double.</summary>
    private static double[] Reference(float[] x, int outer, int dim, int inner, bool log)
    {
        var y = new double[x.Length];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                var idx = Enumerable.Range(0, dim).Select(d => (o * dim + d) * inner + i).ToArray();
                double sum = idx.Sum(k => Math.Exp(x[k]));
                foreach (int k in idx)
                    y[k] = log ? x[k] - Math.Log(sum) : Math.Exp(x[k]) / sum;
            }
        return y;
    }

    [Theory]
    [InlineData("Softmax", 13, null, 6, 5, 1)] // default axis −1 on [2,3,5]
    [InlineData("Softmax", 13, 1L, 2, 3, 5)] // axis 1 only
    [InlineData("Softmax", 11, null, 2, 15, 1)] // legacy: coerced to 2-D at axis 1
    [InlineData("Softmax", 11, 0L, 1, 30, 1)]
    [InlineData("LogSoftmax", 13, null, 6, 5, 1)]
    [InlineData("LogSoftmax", 13, 0L, 1, 2, 15)]
    [InlineData("LogSoftmax", 11, null, 2, 15, 1)]
    public void Forward_AxisSemanticsByOpset_MatchesReference(string op, int opset, long? axis, int outer, int dim, int inner)
    {
        var x = Uniform([2, 3, 5], 1, -5, 5);
        var factory = axis is null ? Factory(op, opset) : Factory(op, opset, ("axis", axis.Value));

        var y = Forward(factory(), x)[0];

        var expected = Reference(x.Floats, outer, dim, inner, op == "LogSoftmax");
        Assert.Equal(x.Shape, y.Shape);
        for (int k = 0; k < expected.Length; k++)
            AssertNear(expected[k], y.Floats[k]);
    }

    [Fact]
    public void Softmax_LargeLogits_DoesNotOverflow()
    {
        var y = Forward(Factory("Softmax", 13)(), Tensor.FromArray([1000f, 1000f, -1000f], 1, 3))[0];

        Assert.Equal([0.5f, 0.5f, 0f], y.Floats);
    }

    [Theory]
    [InlineData("Softmax", 13, -1L)]
    [InlineData("Softmax", 13, 1L)]
    [InlineData("Softmax", 11, 1L)]
    [InlineData("LogSoftmax", 13, -1L)]
    [InlineData("LogSoftmax", 11, 1L)]
    public void Backward_MatchesFiniteDifferences(string op, int opset, long axis)
    {
        GradientCheck.Check(Factory(op, opset, ("axis", axis)), [Uniform([2, 3, 4], 2, -2, 2)], [0], step: 1e-3f);
    }

    [Theory]
    [InlineData("Softmax")]
    [InlineData("LogSoftmax")]
    public void Backward_ThreeSeeds_EqualsThreeSeparatePasses(string op)
    {
        AssertBatchedSeedsMatch(Factory(op, 13), [Uniform([2, 10], 3, -2, 2)], [0]);
    }
}
