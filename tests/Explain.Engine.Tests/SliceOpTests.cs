using Explain.Engine.Ops;
using Explain.Engine.Tensors;
using static Explain.Engine.Tests.OpTestHelpers;

namespace Explain.Engine.Tests;

public class SliceOpTests
{
    [Fact]
    public void Forward_NegativeStep_WalksBackwards()
    {
        var y = Forward(new SliceOp(), Iota(10), Ints(-2), Ints(1), Ints(0), Ints(-3))[0];

        Assert.Equal([8f, 5f, 2f], y.Floats);
    }

    [Fact]
    public void Forward_HugeEnd_ClampsToAxisLength()
    {
        var x = Iota(3, 4);

        var y = Forward(new SliceOp(), x, Ints(1), Ints(long.MaxValue), Ints(1))[0];

        Assert.Equal([3, 3], y.Shape);
        Assert.Equal([1f, 2, 3, 5, 6, 7, 9, 10, 11], y.Floats);
    }

    [Fact]
    public void Forward_NegativeStepToMinInt64_ReversesWholeAxis()
    {
        var y = Forward(new SliceOp(), Iota(4), Ints(-1), Ints(long.MinValue), Ints(0), Ints(-1))[0];

        Assert.Equal([3f, 2, 1, 0], y.Floats);
    }

    [Fact]
    public void Forward_OpsetNineAttributes_DefaultAxes()
    {
        var y = Forward(new SliceOp([0, 1], [1, 3]), Iota(2, 4))[0];

        Assert.Equal([1, 2], y.Shape);
        Assert.Equal([1f, 2f], y.Floats);
    }

    [Fact]
    public void Forward_Int64ShapeArithmetic_TakesTail()
    {
        // Shape → Slice(2, INT64_MAX): the spatial dims, the usual start of a dynamic Resize/Reshape.
        var shape = Forward(new ShapeOp(), Tensor.Zeros(1, 3, 7, 5))[0];

        var y = Forward(new SliceOp(), shape, Ints(2), Ints(long.MaxValue))[0];

        Assert.Equal(DataType.Int64, y.Type);
        Assert.Equal([7L, 5L], y.Longs);
    }

    [Fact]
    public void Backward_GradientCheck_Passes() =>
        GradientCheck.Check(() => new SliceOp(),
            [GradientCheck.Random([2, 5, 4], new Random(1)), Ints(4, 0), Ints(0, 3), Ints(1, -1), Ints(-2, 1)], [0]);

    [Fact]
    public void Backward_BatchedSeedsOnInnerAxes_EqualSeparatePasses() =>
        AssertBatchedSeedsMatchSeparate(() => new SliceOp(),
            [GradientCheck.Random([2, 4, 5], new Random(1)), Ints(1, 0), Ints(3, 5), Ints(1, 2), Ints(1, 2)], [0]);

    [Fact]
    public void Backward_BatchedSeedsSlicingAxis0_ThrowsNotSupported() =>
        Assert.Throws<NotSupportedException>(() => AssertBatchedSeedsMatchSeparate(() => new SliceOp(),
            [GradientCheck.Random([3, 2], new Random(1)), Ints(1), Ints(3), Ints(0)], [0]));
}
