using Explain.Engine.Errors;
using Explain.Engine.Ops;
using Explain.Engine.Tensors;
using static Explain.Engine.Tests.OpTestHelpers;

namespace Explain.Engine.Tests;

public class GatherOpTests
{
    [Fact]
    public void Forward_Axis1NegativeIndices_PicksColumns()
    {
        var x = Iota(2, 3);

        var y = Forward(new GatherOp(1), x, Tensor.FromInt64([-1, 0, 2, 2], 2, 2))[0];

        Assert.Equal([2, 2, 2], y.Shape);
        Assert.Equal([2f, 0, 2, 2, 5, 3, 5, 5], y.Floats);
    }

    [Fact]
    public void Forward_Int64ScalarIndex_DropsTheAxis()
    {
        // Shape → Gather(0, scalar 0): the batch size as an int64 scalar (Flatten-like dynamic graphs).
        var shape = Forward(new ShapeOp(), Tensor.Zeros(4, 3, 2))[0];

        var y = Forward(new GatherOp(0), shape, Tensor.FromInt64([0]))[0];

        Assert.Equal(DataType.Int64, y.Type);
        Assert.Empty(y.Shape);
        Assert.Equal([4L], y.Longs);
    }

    [Fact]
    public void Forward_IndexOutOfRange_ThrowsTensorShape() =>
        Assert.Throws<TensorShapeException>(() => Forward(new GatherOp(0), Iota(3), Ints(3)));

    [Fact]
    public void Backward_RepeatedIndices_GradientCheckPasses() =>
        GradientCheck.Check(() => new GatherOp(1), [GradientCheck.Random([2, 4, 3], new Random(1)), Ints(3, -1, 0, 1)], [0]);

    [Fact]
    public void Backward_Axis0_GradientCheckPasses() =>
        GradientCheck.Check(() => new GatherOp(0), [GradientCheck.Random([3, 2], new Random(1)), Tensor.FromInt64([2, 0, 2, 1], 2, 2)], [0]);

    [Fact]
    public void Backward_BatchedSeedsOnAxis1_EqualSeparatePasses() =>
        AssertBatchedSeedsMatchSeparate(() => new GatherOp(1), [GradientCheck.Random([2, 4, 3], new Random(1)), Ints(3, 3, 0)], [0]);
}
