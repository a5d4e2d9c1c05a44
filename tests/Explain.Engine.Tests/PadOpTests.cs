using Explain.Engine.Errors;
using Explain.Engine.Ops;
using Explain.Engine.Tensors;
using static Explain.Engine.Tests.OpTestHelpers;

namespace Explain.Engine.Tests;

public class PadOpTests
{
    // numpy.pad([0, 1, 2], (2, 3), mode) for each mode.
    [Theory]
    [InlineData("constant", new float[] { 9, 9, 0, 1, 2, 9, 9, 9 })]
    [InlineData("edge", new float[] { 0, 0, 0, 1, 2, 2, 2, 2 })]
    [InlineData("reflect", new float[] { 2, 1, 0, 1, 2, 1, 0, 1 })]
    public void Forward_Modes_MatchNumpy(string mode, float[] expected)
    {
        var y = Forward(new PadOp(mode), Iota(3), Ints(2, 3), Tensor.Scalar(9f))[0];

        Assert.Equal(expected, y.Floats);
    }

    [Fact]
    public void Forward_NegativePadsAndAxesInput_Crop()
    {
        var x = Iota(2, 4);

        var y = Forward(new PadOp("constant"), x, Ints(-1, 1), null!, Ints(1))[0];

        Assert.Equal([2, 4], y.Shape);
        Assert.Equal([1f, 2, 3, 0, 5, 6, 7, 0], y.Floats);
    }

    [Fact]
    public void Forward_OpsetTwoAttributes_PadsNchw()
    {
        var y = Forward(new PadOp("constant", [0, 0, 1, 1, 0, 0, 1, 1], -1f), Floats([5], 1, 1, 1, 1))[0];

        Assert.Equal([1, 1, 3, 3], y.Shape);
        Assert.Equal([-1f, -1, -1, -1, 5, -1, -1, -1, -1], y.Floats);
    }

    [Fact]
    public void Constructor_WrapMode_ThrowsUnsupportedFeature() =>
        Assert.Throws<UnsupportedFeatureException>(() => new PadOp("wrap"));

    [Theory]
    [InlineData("constant")]
    [InlineData("edge")]
    [InlineData("reflect")]
    public void Backward_GradientCheck_Passes(string mode) =>
        GradientCheck.Check(() => new PadOp(mode), [GradientCheck.Random([1, 2, 3, 4], new Random(1)), Ints(0, 0, 2, 1, 0, 0, 1, 3)], [0]);

    [Fact]
    public void Backward_BatchedSeedsSpatialPads_EqualSeparatePasses() =>
        AssertBatchedSeedsMatchSeparate(() => new PadOp("reflect"),
            [GradientCheck.Random([2, 2, 3, 3], new Random(1)), Ints(0, 0, 1, 2, 0, 0, 2, 1)], [0]);
}
