using Explain.Engine.Ops;
using Explain.Engine.Tensors;
using static Explain.Engine.Tests.OpTestHelpers;

namespace Explain.Engine.Tests;

public class GlobalPoolOpTests
{
    [Fact]
    public void GlobalAveragePool_Forward_IsPlaneMean()
    {
        var x = Iota(2, 3, 2, 2);

        var y = Forward(new GlobalAveragePoolOp(), x)[0];

        Assert.Equal([2, 3, 1, 1], y.Shape);
        Assert.Equal([1.5f, 5.5f, 9.5f, 13.5f, 17.5f, 21.5f], y.Floats);
    }

    [Fact]
    public void GlobalMaxPool_Forward_IsPlaneMaximum()
    {
        var x = Tensor.FromArray([1f, 9f, 3f, 9f, -1f, -5f, -2f, -3f], 1, 2, 2, 2);

        var y = Forward(new GlobalMaxPoolOp(), x)[0];

        Assert.Equal([1, 2, 1, 1], y.Shape);
        Assert.Equal([9f, -1f], y.Floats);
    }

    [Fact]
    public void GlobalMaxPool_Backward_TiesRouteToFirstMaximum()
    {
        var x = Tensor.FromArray([1f, 9f, 3f, 9f], 1, 1, 2, 2);
        var op = new GlobalMaxPoolOp { NeedsInputGradient = [true] };
        var context = new OpContext { SaveForBackward = true };
        op.Forward(context, [x]);

        var dx = op.Backward(context, [Tensor.FromArray([2f], 1, 1, 1, 1)])[0]!;

        Assert.Equal([0f, 2f, 0f, 0f], dx.Floats);
    }

    [Fact]
    public void GlobalAveragePool_Backward_GradientCheckPasses() =>
        GradientCheck.Check(() => new GlobalAveragePoolOp(), [GradientCheck.Random([2, 3, 4, 5], new Random(1))], [0]);

    [Fact]
    public void GlobalMaxPool_Backward_GradientCheckPasses() =>
        GradientCheck.Check(() => new GlobalMaxPoolOp(), [Distinct([2, 3, 4, 5])], [0]);

    [Fact]
    public void GlobalAveragePool_BatchedSeeds_EqualSeparatePasses() =>
        AssertBatchedSeedsMatchSeparate(() => new GlobalAveragePoolOp(), [GradientCheck.Random([2, 4, 3, 3], new Random(1))], [0]);

    [Fact]
    public void GlobalMaxPool_BatchedSeeds_EqualSeparatePasses() =>
        AssertBatchedSeedsMatchSeparate(() => new GlobalMaxPoolOp(), [Distinct([2, 4, 3, 3])], [0]);
}
