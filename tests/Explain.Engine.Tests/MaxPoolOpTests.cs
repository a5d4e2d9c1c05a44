using Explain.Engine.Errors;
using Explain.Engine.Ops;
using Explain.Engine.Tensors;
using static Explain.Engine.Tests.OpTestHelpers;

namespace Explain.Engine.Tests;

public class MaxPoolOpTests
{
    private static PoolSettings Settings(long[] k, long[]? s = null, long[]? pads = null, long[]? d = null, string autoPad = "NOTSET", bool ceil = false) =>
        new(k, s ?? [], pads ?? [], d ?? [], autoPad, ceil);

    [Fact]
    public void Forward_CeilMode_MatchesOnnxConformanceValues()
    {
        // test_maxpool_2d_ceil: 4×4 ramp 1..16, kernel 3, stride 2, ceil_mode → [[11, 12], [15, 16]].
        var x = Tensor.FromArray(Enumerable.Range(1, 16).Select(v => (float)v).ToArray(), 1, 1, 4, 4);

        var y = Forward(new MaxPoolOp(Settings([3, 3], [2, 2], ceil: true)), x)[0];

        Assert.Equal([1, 1, 2, 2], y.Shape);
        Assert.Equal([11f, 12f, 15f, 16f], y.Floats);
    }

    [Fact]
    public void Forward_Dilations_MatchesOnnxConformanceValues()
    {
        var x = Tensor.FromArray(Enumerable.Range(1, 16).Select(v => (float)v).ToArray(), 1, 1, 4, 4);

        var y = Forward(new MaxPoolOp(Settings([2, 2], [1, 1], d: [2, 2])), x)[0];

        Assert.Equal([11f, 12f, 15f, 16f], y.Floats);
    }

    [Theory]
    [InlineData(3, 2, 1, 1, 56)]   // ResNet stem: 3×3 / 2, pad 1 on 112×112 (here 111 → 56)
    [InlineData(2, 2, 0, 1, 55)]
    [InlineData(3, 1, 1, 2, 109)]
    [InlineData(5, 3, 2, 1, 37)]
    public void Forward_PadsStridesDilations_MatchesNaiveReference(int k, int s, int pad, int d, int expectedOut)
    {
        var x = GradientCheck.Random([2, 3, 111, 111], new Random(5));

        var y = Forward(new MaxPoolOp(Settings([k, k], [s, s], [pad, pad, pad, pad], [d, d])), x)[0];

        Assert.Equal([2, 3, expectedOut, expectedOut], y.Shape);
        var expected = NaivePool.Max(x, expectedOut, expectedOut, [k, k], [s, s], [pad, pad], [d, d]);
        Assert.Equal(expected.Floats, y.Floats);
    }

    [Fact]
    public void Forward_SameUpperAndOneDimensional_ProducesSpecShapes()
    {
        var x = GradientCheck.Random([1, 2, 7, 9], new Random(1));
        var line = GradientCheck.Random([1, 2, 10], new Random(2));

        var same = Forward(new MaxPoolOp(Settings([3, 3], [2, 2], autoPad: "SAME_UPPER")), x)[0];
        var oneD = Forward(new MaxPoolOp(Settings([3], [2])), line)[0];

        Assert.Equal([1, 2, 4, 5], same.Shape);
        Assert.Equal([1, 2, 4], oneD.Shape);
        Assert.Equal(Math.Max(line.Floats[0], Math.Max(line.Floats[1], line.Floats[2])), oneD.Floats[0]);
    }

    [Fact]
    public void Forward_ThreeDimensional_ThrowsUnsupportedFeature()
    {
        var x = Tensor.Zeros(1, 1, 4, 4, 4);

        Assert.Throws<UnsupportedFeatureException>(() => Forward(new MaxPoolOp(Settings([2, 2, 2])), x));
    }

    [Fact]
    public void Backward_Ties_RouteToFirstMaximumAsPyTorch()
    {
        var x = Tensor.FromArray([5f, 5f, 5f, 5f], 1, 1, 2, 2);
        var op = new MaxPoolOp(Settings([2, 2])) { NeedsInputGradient = [true] };
        var context = new OpContext { SaveForBackward = true };
        op.Forward(context, [x]);

        var dx = op.Backward(context, [Tensor.FromArray([1f], 1, 1, 1, 1)])[0]!;

        Assert.Equal([1f, 0f, 0f, 0f], dx.Floats);
    }

    [Theory]
    [InlineData(3, 2, 1, 1, false)]
    [InlineData(3, 2, 0, 1, true)]
    [InlineData(2, 1, 1, 2, false)]
    public void Backward_GradientCheck_Passes(int k, int s, int pad, int d, bool ceil)
    {
        var x = Distinct([2, 2, 7, 6]);

        GradientCheck.Check(() => new MaxPoolOp(Settings([k, k], [s, s], [pad, pad, pad, pad], [d, d], ceil: ceil)), [x], [0]);
    }

    [Fact]
    public void Backward_OneDimensional_GradientCheckPasses() =>
        GradientCheck.Check(() => new MaxPoolOp(Settings([3], [2], [1, 1])), [Distinct([2, 3, 9])], [0]);

    [Fact]
    public void Backward_BatchedSeeds_EqualSeparatePasses()
    {
        var x = Distinct([2, 3, 8, 8]);

        AssertBatchedSeedsMatchSeparate(() => new MaxPoolOp(Settings([3, 3], [2, 2], [1, 1, 1, 1])), [x], [0]);
    }
}
