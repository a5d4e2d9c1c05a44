using Explain.Engine.Errors;
using Explain.Engine.Ops;
using Explain.Engine.Tensors;
using static Explain.Engine.Tests.OpTestHelpers;

namespace Explain.Engine.Tests;

public class ViewOpTests
{
    [Theory]
    [InlineData(new long[] { 0, -1 }, false, new[] { 2, 12 })]
    [InlineData(new long[] { -1, 4 }, false, new[] { 6, 4 })]
    [InlineData(new long[] { 2, 0, 4 }, false, new[] { 2, 3, 4 })]
    [InlineData(new long[] { 24 }, true, new[] { 24 })]
    public void Reshape_Forward_ResolvesZeroAndMinusOne(long[] shape, bool allowZero, int[] expected)
    {
        var x = Iota(2, 3, 4);

        var y = Forward(new ReshapeOp(allowZero), x, Ints(shape))[0];

        Assert.Equal(expected, y.Shape);
        Assert.Same(x.Floats, y.Floats);
    }

    [Fact]
    public void Reshape_AllowZero_KeepsLiteralZero()
    {
        var x = Tensor.Zeros(0, 3);

        var y = Forward(new ReshapeOp(allowZero: true), x, Ints(3, 0))[0];

        Assert.Equal([3, 0], y.Shape);
    }

    [Fact]
    public void Reshape_MismatchedCount_ThrowsTensorShape() =>
        Assert.Throws<TensorShapeException>(() => Forward(new ReshapeOp(), Iota(2, 3), Ints(4, 2)));

    [Theory]
    [InlineData(0, new[] { 1, 24 })]
    [InlineData(1, new[] { 2, 12 })]
    [InlineData(3, new[] { 24, 1 })]
    [InlineData(-1, new[] { 6, 4 })]
    public void Flatten_Forward_SplitsAtAxis(long axis, int[] expected) =>
        Assert.Equal(expected, Forward(new FlattenOp(axis), Iota(2, 3, 4))[0].Shape);

    [Fact]
    public void Squeeze_WithAndWithoutAxes_RemovesOnes()
    {
        var x = Iota(1, 3, 1, 2);

        Assert.Equal([3, 2], Forward(new SqueezeOp(), x)[0].Shape);
        Assert.Equal([1, 3, 2], Forward(new SqueezeOp([-2]), x)[0].Shape);
        Assert.Equal([3, 1, 2], Forward(new SqueezeOp(axesFromInput: true), x, Ints(0))[0].Shape);
        Assert.Throws<TensorShapeException>(() => Forward(new SqueezeOp([1]), x));
    }

    [Fact]
    public void Unsqueeze_UnsortedNegativeAxes_IndexTheOutput()
    {
        var x = Iota(3, 4);

        Assert.Equal([1, 3, 4, 1], Forward(new UnsqueezeOp([-1, 0]), x)[0].Shape);
        Assert.Equal([3, 1, 1, 4], Forward(new UnsqueezeOp(), x, Ints(2, 1))[0].Shape);
    }

    [Fact]
    public void Unsqueeze_Int64Scalar_BecomesVector()
    {
        var y = Forward(new UnsqueezeOp([0]), Tensor.FromInt64([7]))[0];

        Assert.Equal(DataType.Int64, y.Type);
        Assert.Equal([1], y.Shape);
        Assert.Equal([7L], y.Longs);
    }

    [Fact]
    public void Dropout_TrainingMode_ThrowsUnsupportedFeature()
    {
        var x = Iota(2, 2);

        Assert.Same(x.Floats, Forward(new DropoutOp(), x, Tensor.Scalar(0.5f))[0].Floats);
        Assert.Throws<UnsupportedFeatureException>(() => Forward(new DropoutOp(), x, Tensor.Scalar(0.5f), Tensor.FromInt64([1])));
    }

    public static TheoryData<string> Views => ["reshape", "flatten", "squeeze", "unsqueeze", "identity", "dropout"];

    private static (Func<Op> Create, Tensor[] Inputs) Case(string name) => name switch
    {
        "reshape" => (() => new ReshapeOp(), [GradientCheck.Random([2, 3, 4], new Random(1)), Ints(0, -1, 2)]),
        "flatten" => (() => new FlattenOp(1), [GradientCheck.Random([2, 3, 2, 2], new Random(1))]),
        "squeeze" => (() => new SqueezeOp([2]), [GradientCheck.Random([2, 3, 1, 2], new Random(1))]),
        "unsqueeze" => (() => new UnsqueezeOp([1]), [GradientCheck.Random([2, 3], new Random(1))]),
        "identity" => (() => new IdentityOp(), [GradientCheck.Random([2, 3], new Random(1))]),
        _ => (() => new DropoutOp(), [GradientCheck.Random([2, 3], new Random(1))]),
    };

    [Theory]
    [MemberData(nameof(Views))]
    public void Backward_GradientCheck_Passes(string name)
    {
        var (create, inputs) = Case(name);

        GradientCheck.Check(create, inputs, [0]);
    }

    [Theory]
    [MemberData(nameof(Views))]
    public void Backward_BatchedSeeds_EqualSeparatePasses(string name)
    {
        var (create, inputs) = Case(name);

        AssertBatchedSeedsMatchSeparate(create, inputs, [0]);
    }
}
