using Explain.Engine.Errors;
using Explain.Engine.Ops;
using Explain.Engine.Tensors;
using static Explain.Engine.Tests.OpTestHelpers;

namespace Explain.Engine.Tests;

public class ConcatSplitOpTests
{
    [Fact]
    public void Concat_Forward_InterleavesBlocksAlongAxis()
    {
        var a = Floats([1, 2, 3, 4], 2, 2);
        var b = Floats([5, 6], 2, 1);

        var y = Forward(new ConcatOp(-1), a, b)[0];

        Assert.Equal([2, 3], y.Shape);
        Assert.Equal([1f, 2, 5, 3, 4, 6], y.Floats);
    }

    [Fact]
    public void Concat_Int64Shapes_AppendsValues()
    {
        var y = Forward(new ConcatOp(0), Ints(1, 2), Ints(-1), Tensor.FromInt64([], 0))[0];

        Assert.Equal(DataType.Int64, y.Type);
        Assert.Equal([1L, 2, -1], y.Longs);
    }

    [Fact]
    public void Concat_Backward_GradientCheckPasses() =>
        GradientCheck.Check(() => new ConcatOp(1),
            [GradientCheck.Random([2, 2, 3], new Random(1)), GradientCheck.Random([2, 1, 3], new Random(2))], [0, 1]);

    [Fact]
    public void Concat_BatchedSeedsOnAxis1_EqualSeparatePasses() =>
        AssertBatchedSeedsMatchSeparate(() => new ConcatOp(1),
            [GradientCheck.Random([2, 2, 3], new Random(1)), GradientCheck.Random([2, 4, 3], new Random(2))], [0, 1]);

    [Fact]
    public void Concat_BatchedSeedsOnAxis0_ThrowsNotSupported() =>
        Assert.Throws<NotSupportedException>(() => AssertBatchedSeedsMatchSeparate(() => new ConcatOp(0),
            [GradientCheck.Random([2, 2], new Random(1)), GradientCheck.Random([1, 2], new Random(2))], [0, 1]));

    [Fact]
    public void Split_Forward_SizesFromInputAndEqualParts()
    {
        var x = Iota(2, 5);

        var bySizes = Forward(new SplitOp(1, null, splitFromInput: true, outputCount: 2), x, Ints(2, 3));
        var equal = Forward(new SplitOp(0, null, splitFromInput: true, outputCount: 2), x);
        var uneven = Forward(new SplitOp(1, null, splitFromInput: false, outputCount: 3), x);

        Assert.Equal([0f, 1, 5, 6], bySizes[0].Floats);
        Assert.Equal([2f, 3, 4, 7, 8, 9], bySizes[1].Floats);
        Assert.Equal([5f, 6, 7, 8, 9], equal[1].Floats);
        Assert.Equal([[2, 2], [2, 2], [2, 1]], uneven.Select(t => t.Shape));
    }

    [Fact]
    public void Split_UnknownOutputCount_ThrowsUnsupportedFeature() =>
        Assert.Throws<UnsupportedFeatureException>(() => Forward(new SplitOp(0, null, true, 0), Iota(4)));

    [Fact]
    public void Split_Backward_GradientCheckPasses() =>
        GradientCheck.Check(() => new SplitOp(1, [1, 3], splitFromInput: false, outputCount: 2),
            [GradientCheck.Random([2, 4, 2], new Random(1))], [0]);

    [Fact]
    public void Split_BackwardWithUnusedOutput_TreatsItAsZero()
    {
        var op = new SplitOp(1, [1, 1], splitFromInput: false, outputCount: 2) { NeedsInputGradient = [true] };
        var context = new OpContext { SaveForBackward = true };
        op.Forward(context, [Iota(1, 2)]);

        var dx = op.Backward(context, [null!, Floats([7], 1, 1)])[0]!;

        Assert.Equal([0f, 7f], dx.Floats);
    }

    [Fact]
    public void Split_BatchedSeedsOnAxis1_EqualSeparatePasses() =>
        AssertBatchedSeedsMatchSeparate(() => new SplitOp(1, [2, 1], false, 2), [GradientCheck.Random([2, 3, 2], new Random(1))], [0]);
}
