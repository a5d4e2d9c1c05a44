using Explain.Autodiff.Compiler;
using Explain.Autodiff.Tests.Support;

namespace Explain.Autodiff.Tests;

/// <summary>BatchNormalization, LayerNormalization, Softmax/LogSoftmax and mean/sum reductions.</summary>
public sealed class NormalizationRuleTests
{
    [Theory]
    [InlineData(9)]
    [InlineData(15)]
    public void BatchNormalization_Inference_MatchesEngineAndFiniteDifferences(int opset)
    {
        var r = new Random(3);
        GradientCheck.AssertClose(Op.Check("BatchNormalization", [1, 3, 4, 4], ["x", "s", "b", "m", "v"], [Attributes.Of("epsilon", 1e-3f)],
            constants: b => b.Random("s", r, 3).Random("b", r, 3).Random("m", r, 3).Floats("v", [0.5f, 2f, 1.2f], 3), opset: Math.Max(opset, 11)));
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(1L)]
    public void LayerNormalization_Axis_MatchesEngineAndFiniteDifferences(long axis)
    {
        var r = new Random(4);
        long[] normalized = axis == -1 ? [5] : [4, 5];
        GradientCheck.AssertClose(Op.Check("LayerNormalization", [1, 4, 5], ["x", "s", "b"], [Attributes.Of("axis", axis), Attributes.Of("epsilon", 1e-6f)],
            constants: b => b.Random("s", r, normalized).Random("b", r, normalized), opset: 17));
    }

    [Theory]
    [InlineData(11, 1L)]
    [InlineData(13, -1L)]
    [InlineData(13, 1L)]
    public void Softmax_Axis_MatchesEngineAndFiniteDifferences(int opset, long axis) =>
        GradientCheck.AssertClose(Op.Check("Softmax", [1, 3, 4], ["x"], [Attributes.Of("axis", axis)], opset: opset));

    [Fact]
    public void LogSoftmax_MatchesEngineAndFiniteDifferences() =>
        GradientCheck.AssertClose(Op.Check("LogSoftmax", [1, 3, 4], ["x"], [Attributes.Of("axis", -1L)]));

    [Theory]
    [InlineData(1L)]
    [InlineData(0L)]
    public void ReduceMean_Keepdims_MatchesEngineAndFiniteDifferences(long keep) =>
        GradientCheck.AssertClose(Op.Check("ReduceMean", [1, 3, 4, 5], ["x"], [Attributes.Of("axes", [2L, -1]), Attributes.Of("keepdims", keep)]));

    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    public void ReduceSum_AxesAttributeOrInput_MatchesEngineAndFiniteDifferences(int opset) =>
        GradientCheck.AssertClose(opset < 13
            ? Op.Check("ReduceSum", [1, 3, 4], ["x"], [Attributes.Of("axes", [1L]), Attributes.Of("keepdims", 0L)], opset: opset)
            : Op.Check("ReduceSum", [1, 3, 4], ["x", "axes"], [Attributes.Of("keepdims", 0L)], constants: b => b.Int64s("axes", [1L]), opset: opset));
}
