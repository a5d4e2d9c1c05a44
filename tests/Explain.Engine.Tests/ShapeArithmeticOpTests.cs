using Explain.Engine.Errors;
using Explain.Engine.Ops;
using Explain.Engine.Tensors;
using static Explain.Engine.Tests.OpTestHelpers;

namespace Explain.Engine.Tests;

public class ShapeArithmeticOpTests
{
    [Theory]
    [InlineData(0L, null, new long[] { 2, 3, 4, 5 })]
    [InlineData(1L, -1L, new long[] { 3, 4 })]
    [InlineData(-10L, 2L, new long[] { 2, 3 })]
    [InlineData(3L, 1L, new long[] { })]
    public void Shape_StartEnd_ClampLikeOpset15(long start, long? end, long[] expected) =>
        Assert.Equal(expected, Forward(new ShapeOp(start, end), Tensor.Zeros(2, 3, 4, 5))[0].Longs);

    [Fact]
    public void Size_Forward_IsInt64Scalar()
    {
        var y = Forward(new SizeOp(), Tensor.Zeros(2, 3))[0];

        Assert.Empty(y.Shape);
        Assert.Equal([6L], y.Longs);
    }

    [Fact]
    public void ConstantOfShape_Int64Value_FillsShape()
    {
        var y = Forward(new ConstantOfShapeOp(Tensor.FromInt64([7], 1)), Ints(2, 2))[0];

        Assert.Equal([7L, 7, 7, 7], y.Longs);
        Assert.Equal([0f, 0], Forward(new ConstantOfShapeOp(null), Ints(2))[0].Floats);
    }

    [Fact]
    public void Cast_FloatToInt64AndBack_TruncatesTowardZero()
    {
        var ints = Forward(new CastOp(CastOp.OnnxInt64), Floats([-1.7f, 2.9f], 2))[0];
        var floats = Forward(new CastOp(CastOp.OnnxFloat), ints)[0];

        Assert.Equal([-1L, 2L], ints.Longs);
        Assert.Equal([-1f, 2f], floats.Floats);
    }

    [Fact]
    public void Cast_ToDouble_ThrowsUnsupportedFeature() =>
        Assert.Throws<UnsupportedFeatureException>(() => new CastOp(11));

    [Fact]
    public void Cast_FloatToFloat_GradientCheckPasses() =>
        GradientCheck.Check(() => new CastOp(CastOp.OnnxFloat), [GradientCheck.Random([2, 3], new Random(1))], [0]);

    [Fact]
    public void Range_FloatAndInt64_FollowSpecCount()
    {
        var floats = Forward(new RangeOp(), Tensor.Scalar(1f), Tensor.Scalar(2f), Tensor.Scalar(0.3f))[0];
        var ints = Forward(new RangeOp(), Tensor.FromInt64([10]), Tensor.FromInt64([4]), Tensor.FromInt64([-3]))[0];

        Assert.Equal(4, floats.Length);
        Assert.Equal(1.9f, floats.Floats[3], 5);
        Assert.Equal([10L, 7L], ints.Longs);
    }

    [Fact]
    public void DynamicFlatten_ShapeGatherUnsqueezeConcatReshape_ProducesBatchByRest()
    {
        // The torch.flatten export pattern: Reshape(x, Concat(Unsqueeze(Gather(Shape(x), 0)), [-1])).
        var x = Iota(2, 3, 2, 2);
        var batch = Forward(new GatherOp(0), Forward(new ShapeOp(), x)[0], Tensor.FromInt64([0]))[0];
        var dims = Forward(new ConcatOp(0), Forward(new UnsqueezeOp([0]), batch)[0], Ints(-1))[0];

        var y = Forward(new ReshapeOp(), x, dims)[0];

        Assert.Equal([2L, -1L], dims.Longs);
        Assert.Equal([2, 12], y.Shape);
    }
}
