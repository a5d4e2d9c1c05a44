using Explain.Engine.Ops;
using Explain.Engine.Tensors;
using static Explain.Engine.Tests.OpTestHelpers;

namespace Explain.Engine.Tests;

public class AveragePoolOpTests
{
    private static PoolSettings Settings(long[] k, long[]? s = null, long[]? pads = null, string autoPad = "NOTSET", bool ceil = false) =>
        new(k, s ?? [], pads ?? [], [], autoPad, ceil);

    private static readonly Tensor Ramp4x4 = Tensor.FromArray(Enumerable.Range(1, 16).Select(v => (float)v).ToArray(), 1, 1, 4, 4);

    [Fact]
    public void Forward_CeilMode_ClipsLastWindowAsOnnxConformance()
    {
        // test_averagepool_2d_ceil: the last window per axis covers only rows/cols 2..3 → [6, 7.5, 12, 13.5].
        var y = Forward(new AveragePoolOp(Settings([3, 3], [2, 2], ceil: true), countIncludePad: false), Ramp4x4)[0];

        Assert.Equal([1, 1, 2, 2], y.Shape);
        Assert.Equal([6f, 7.5f, 12f, 13.5f], y.Floats);
    }

    [Fact]
    public void Forward_CeilModeWithCountIncludePad_DividesByClippedPaddedWindow()
    {
        // pads 1: padded input is 6×6; window starting at padded row 4 is cut to 2 rows by the padded edge.
        // Output (0,0): taps (−1..1)×(−1..1) → input 1,2,5,6 = 14 over 9 padded taps.
        var y = Forward(new AveragePoolOp(Settings([3, 3], [2, 2], [1, 1, 1, 1], ceil: true), countIncludePad: true), Ramp4x4)[0];

        Assert.Equal([1, 1, 3, 3], y.Shape);
        Assert.Equal(14f / 9f, y.Floats[0], 6);
        // Output (2,2): taps rows/cols 3..4 of the input (4 is end padding) → 16 over 2×2 padded taps.
        Assert.Equal(16f / 4f, y.Floats[8], 6);
    }

    [Theory]
    [InlineData(3, 2, 1, 1, false, 1, 28)]
    [InlineData(3, 2, 1, 1, true, 1, 28)]
    [InlineData(3, 1, 2, 2, true, 1, 57)]
    [InlineData(2, 2, 0, 0, false, 1, 27)]
    [InlineData(3, 2, 0, 1, false, 2, 27)]
    public void Forward_PadsStridesCountIncludePad_MatchesNaiveReference(int k, int s, int pb, int pe, bool include, int batch, int expectedOut)
    {
        var x = GradientCheck.Random([batch, 4, 55, 55], new Random(9));

        var y = Forward(new AveragePoolOp(Settings([k, k], [s, s], [pb, pb, pe, pe]), include), x)[0];

        Assert.Equal([batch, 4, expectedOut, expectedOut], y.Shape);
        var expected = NaivePool.Average(x, expectedOut, expectedOut, [k, k], [s, s], [pb, pb], [pe, pe], include);
        for (int i = 0; i < y.Length; i++)
            Assert.Equal(expected.Floats[i], y.Floats[i], 1e-5f);
    }

    [Fact]
    public void Forward_SameLower_PadsAtTheStart()
    {
        // SAME_LOWER with kernel 2: the extra padding goes first, so output (0,0) is input (0,0) alone.
        var y = Forward(new AveragePoolOp(Settings([2, 2], autoPad: "SAME_LOWER"), countIncludePad: false), Ramp4x4)[0];

        Assert.Equal([1, 1, 4, 4], y.Shape);
        Assert.Equal(1f, y.Floats[0]);
        Assert.Equal((1f + 2f + 5f + 6f) / 4f, y.Floats[5]);
    }

    [Theory]
    [InlineData(3, 2, 1, false, false)]
    [InlineData(3, 2, 1, true, true)]
    [InlineData(2, 1, 0, false, false)]
    public void Backward_GradientCheck_Passes(int k, int s, int pad, bool include, bool ceil)
    {
        var x = GradientCheck.Random([2, 2, 7, 6], new Random(4));

        GradientCheck.Check(() => new AveragePoolOp(Settings([k, k], [s, s], [pad, pad, pad, pad], ceil: ceil), include), [x], [0]);
    }

    [Fact]
    public void Backward_OneDimensional_GradientCheckPasses()
    {
        var x = GradientCheck.Random([2, 3, 9], new Random(4));

        GradientCheck.Check(() => new AveragePoolOp(Settings([3], [2], [1, 1]), countIncludePad: false), [x], [0]);
    }

    [Fact]
    public void Backward_BatchedSeeds_EqualSeparatePasses()
    {
        var x = GradientCheck.Random([2, 3, 8, 8], new Random(2));

        AssertBatchedSeedsMatchSeparate(() => new AveragePoolOp(Settings([3, 3], [2, 2], [1, 1, 1, 1]), countIncludePad: true), [x], [0]);
    }
}
