using Explain.Engine.Ops;
using Explain.Engine.Tensors;
using static Explain.Engine.Tests.OpTestHelpers;

namespace Explain.Engine.Tests;

public class RectifierOpTests
{
    private static Tensor?[] Backward(Op op, Tensor[] inputs, float[] gradient, BackwardMode mode)
    {
        op.NeedsInputGradient = inputs.Select((_, i) => i == 0).ToArray();
        var context = new OpContext { SaveForBackward = true, Mode = mode };
        var y = op.Forward(context, inputs)[0];
        return op.Backward(context, [Tensor.FromArray(gradient, y.Shape)]);
    }

    [Fact]
    public void Relu_Backward_PassesWhereInputPositive_ZeroAtZero()
    {
        var x = Tensor.FromArray([-1f, 0f, 2f, 3f], 4);

        var g = Backward(new ReluOp(), [x], [5f, 5f, 5f, -5f], BackwardMode.Standard)[0]!;

        Assert.Equal([0f, 0f, 5f, -5f], g.Floats);
    }

    [Fact]
    public void Relu_GuidedBackward_PassesOnlyPositiveInputAndPositiveGradient()
    {
        var x = Tensor.FromArray([-1f, 0f, 2f, 3f, -2f], 5);

        var g = Backward(new ReluOp(), [x], [5f, 5f, 5f, -5f, -5f], BackwardMode.Guided)[0]!;

        Assert.Equal([0f, 0f, 5f, 0f, 0f], g.Floats);
    }

    [Fact]
    public void Clip_Relu6Backward_ZeroAtBothBoundsAsPyTorchHardtanh()
    {
        var x = Tensor.FromArray([-1f, 0f, 3f, 6f, 7f], 5);

        var g = Backward(Factory("Clip", 13)(), [x, Tensor.Scalar(0f), Tensor.Scalar(6f)], [1f, 1f, 1f, 1f, 1f], BackwardMode.Standard)[0]!;

        Assert.Equal([0f, 0f, 1f, 0f, 0f], g.Floats);
    }

    [Fact]
    public void Clip_Relu6GuidedBackward_BlocksNegativeGradients()
    {
        var x = Tensor.FromArray([1f, 2f, 5f, 7f], 4);

        var g = Backward(Factory("Clip", 13)(), [x, Tensor.Scalar(0f), Tensor.Scalar(6f)], [1f, -1f, 2f, 1f], BackwardMode.Guided)[0]!;

        Assert.Equal([1f, 0f, 2f, 0f], g.Floats);
    }

    [Fact]
    public void Clip_GuidedWithNonZeroMin_IsNotARectifier()
    {
        var x = Tensor.FromArray([1f, 2f], 2);

        var g = Backward(Factory("Clip", 13)(), [x, Tensor.Scalar(-1f), Tensor.Scalar(6f)], [1f, -1f], BackwardMode.Guided)[0]!;

        Assert.Equal([1f, -1f], g.Floats);
    }

    [Fact]
    public void Clip_Opset11OnlyMaxGiven_MinIsUnbounded()
    {
        var x = Tensor.FromArray([-100f, 0.5f, 9f], 3);

        var y = Forward(Factory("Clip", 11)(), x, null!, Tensor.Scalar(1f))[0];

        Assert.Equal([-100f, 0.5f, 1f], y.Floats);
    }

    [Fact]
    public void Clip_Opset11OnlyMinGiven_MaxIsUnbounded()
    {
        var y = Forward(Factory("Clip", 11)(), Tensor.FromArray([-100f, 0.5f, 9f], 3), Tensor.Scalar(0f))[0];

        Assert.Equal([0f, 0.5f, 9f], y.Floats);
    }

    [Fact]
    public void Clip_Opset6Attributes_Clamp()
    {
        var y = Forward(Factory("Clip", 6, ("min", -1f), ("max", 2f))(), Tensor.FromArray([-3f, 0f, 3f], 3))[0];

        Assert.Equal([-1f, 0f, 2f], y.Floats);
    }

    [Fact]
    public void Clip_Backward_MatchesFiniteDifferences()
    {
        var x = RandomAway([3, 4], 9, 8f, 0.05f, 0, 6);

        GradientCheck.Check(Factory("Clip", 13), [x, Tensor.Scalar(0f), Tensor.Scalar(6f)], [0], step: 1e-3f);
    }

    [Fact]
    public void Clip_ThreeSeedsGuided_EqualsThreeSeparatePasses()
    {
        var x = RandomAway([2, 6], 10, 8f, 0.05f, 0, 6);

        AssertBatchedSeedsMatch(Factory("Clip", 13), [x, Tensor.Scalar(0f), Tensor.Scalar(6f)], [0], BackwardMode.Guided);
    }

    [Fact]
    public void Relu_ThreeSeedsGuided_EqualsThreeSeparatePasses()
    {
        AssertBatchedSeedsMatch(() => new ReluOp(), [RandomAway([2, 6], 11, 2f, 0.05f, 0)], [0], BackwardMode.Guided);
    }
}
