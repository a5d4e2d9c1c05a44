using Explain.Engine.Ops;
using Explain.Engine.Tensors;
using static Explain.Engine.Tests.OpTestHelpers;

namespace Explain.Engine.Tests;

public class TransposeOpTests
{
    [Theory]
    [InlineData(new long[] { 0, 2, 3, 1 })]
    [InlineData(new long[] { 3, 1, 0, 2 })]
    [InlineData(new long[] { 0, 1, 2, 3 })]
    public void Forward_MatchesIndexArithmetic(long[] perm)
    {
        int[] shape = [2, 3, 4, 5];
        var x = Iota(shape);

        var y = Forward(new TransposeOp(perm), x)[0];

        var outShape = perm.Select(p => shape[p]).ToArray();
        Assert.Equal(outShape, y.Shape);
        var inStrides = TensorShape.Strides(shape);
        var outStrides = TensorShape.Strides(outShape);
        for (int k = 0; k < y.Length; k++)
        {
            int source = 0;
            for (int d = 0; d < 4; d++)
                source += k / outStrides[d] % outShape[d] * inStrides[perm[d]];
            Assert.Equal(source, y.Floats[k]);
        }
    }

    [Fact]
    public void Forward_DefaultPermInt64_ReversesAxes()
    {
        var x = Tensor.FromInt64([1, 2, 3, 4, 5, 6], 2, 3);

        var y = Forward(new TransposeOp(), x)[0];

        Assert.Equal([3, 2], y.Shape);
        Assert.Equal([1L, 4, 2, 5, 3, 6], y.Longs);
    }

    [Fact]
    public void Backward_GradientCheck_Passes() =>
        GradientCheck.Check(() => new TransposeOp([2, 0, 1]), [GradientCheck.Random([2, 3, 4], new Random(1))], [0]);

    [Fact]
    public void Backward_BatchedSeedsPermKeepsBatch_EqualSeparatePasses() =>
        AssertBatchedSeedsMatchSeparate(() => new TransposeOp([0, 2, 3, 1]), [GradientCheck.Random([2, 3, 2, 4], new Random(1))], [0]);

    [Fact]
    public void Backward_BatchedSeedsPermMovesBatch_ThrowsNotSupported() =>
        Assert.Throws<NotSupportedException>(() =>
            AssertBatchedSeedsMatchSeparate(() => new TransposeOp([1, 0]), [GradientCheck.Random([2, 3], new Random(1))], [0]));
}
