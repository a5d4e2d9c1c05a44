using Explain.Autodiff.Compiler;
using Explain.Autodiff.Tests.Support;

namespace Explain.Autodiff.Tests;

/// <summary>Reshape family, Transpose, Concat, Split, Expand, Tile, Slice, Gather and Pad.</summary>
public sealed class ShapeRuleTests
{
    [Fact]
    public void Flatten_MatchesEngineAndFiniteDifferences() =>
        GradientCheck.AssertClose(Op.Check("Flatten", [1, 3, 2, 2], ["x"], [Attributes.Of("axis", 1L)]));

    [Fact]
    public void Reshape_MatchesEngineAndFiniteDifferences() =>
        GradientCheck.AssertClose(Op.Check("Reshape", [1, 3, 4], ["x", "s"], constants: b => b.Int64s("s", [1L, 2, 6])));

    [Fact]
    public void SqueezeUnsqueeze_MatchesEngineAndFiniteDifferences()
    {
        GradientCheck.AssertClose(Op.Check("Squeeze", [1, 3, 1, 4], ["x", "a"], constants: b => b.Int64s("a", [2L])));
        GradientCheck.AssertClose(Op.Check("Unsqueeze", [1, 3, 4], ["x"], [Attributes.Of("axes", [3L])], opset: 11));
    }

    [Fact]
    public void Transpose_Permutation_MatchesEngineAndFiniteDifferences() =>
        GradientCheck.AssertClose(Op.Check("Transpose", [1, 2, 3, 4], ["x"], [Attributes.Of("perm", [0L, 3, 1, 2])]));

    [Fact]
    public void Transpose_MovesTheBatchAxis_MatchesFiniteDifferences()
    {
        // [1, 3, 4] -> [3, 1, 4] (MultiheadAttention's [seq, batch, dim]) and back
        var model = new ModelBuilder(13).Input("x", 1, 3, 4)
            .Node("Transpose", ["x"], ["t"], Attributes.Of("perm", [1L, 0, 2]))
            .Node("Sigmoid", ["t"], ["s"])
            .Node("Transpose", ["s"], ["y"], Attributes.Of("perm", [1L, 0, 2])).Output("y").Build();
        // the engine has no batched seeds through such a Transpose: finite differences only
        GradientCheck.AssertClose(Op.Run(model, [1, 3, 4], engine: false));
    }

    [Fact]
    public void Concat_WithConstantAndItself_MatchesEngineAndFiniteDifferences() =>
        GradientCheck.AssertClose(Op.Check("Concat", [1, 2, 3], ["w", "x", "x"], [Attributes.Of("axis", 1L)], constants: b => b.Random("w", new Random(1), 1, 4, 3)));

    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    public void Split_OneOutputUsed_MatchesEngineAndFiniteDifferences(int opset)
    {
        // the unused first output gets a zero gradient block
        var attributes = opset < 13 ? new[] { Attributes.Of("axis", 2L), Attributes.Of("split", [1L, 3]) } : [Attributes.Of("axis", 2L)];
        string[] inputs = opset < 13 ? ["x"] : ["x", "sizes"];
        GradientCheck.AssertClose(Op.Check("Split", [1, 2, 4], inputs, attributes, constants: b => b.Int64s("sizes", [1L, 3]),
            opset: opset, outputs: 2, observedOutput: 1));
    }

    [Fact]
    public void Expand_Broadcast_MatchesFiniteDifferences() =>
        // the engine has no batched seeds when Expand adds the leading axis: finite differences only
        GradientCheck.AssertClose(Op.Check("Expand", [1, 3, 1], ["x", "s"], constants: b => b.Int64s("s", [1L, 2, 3, 4]), engine: false));

    [Fact]
    public void Tile_Repeats_MatchesEngineAndFiniteDifferences() =>
        GradientCheck.AssertClose(Op.Check("Tile", [1, 2, 3], ["x", "r"], constants: b => b.Int64s("r", [1L, 2, 3])));

    [Theory]
    [InlineData(new long[] { 1, 0 }, new long[] { 5, 3 }, new long[] { 2, 1 }, new long[] { 1, 1 })]
    [InlineData(new long[] { 0, -1 }, new long[] { 6, -4 }, new long[] { 2, 3 }, new long[] { 2, -1 })]
    public void Slice_StartsEndsSteps_MatchesEngineAndFiniteDifferences(long[] starts, long[] ends, long[] axes, long[] steps) =>
        GradientCheck.AssertClose(Op.Check("Slice", [1, 2, 6, 5], ["x", "st", "en", "ax", "sp"],
            constants: b => b.Int64s("st", starts).Int64s("en", ends).Int64s("ax", axes).Int64s("sp", steps)));

    [Fact]
    public void Gather_ClassToken_MatchesEngineAndFiniteDifferences() =>
        GradientCheck.AssertClose(Op.Check("Gather", [1, 5, 4], ["x", "i"], [Attributes.Of("axis", 1L)], constants: b => b.Int64Scalar("i", 0)));

    [Fact]
    public void Gather_RepeatedIndicesOpset16_AddsGradients() =>
        GradientCheck.AssertClose(Op.Check("Gather", [1, 5, 4], ["x", "i"], [Attributes.Of("axis", 1L)], constants: b => b.Int64s("i", [3L, 1, 3, -1], 4), opset: 16));

    [Fact]
    public void Gather_RepeatedIndicesBeforeOpset16_FailsAtCompileTime()
    {
        var e = Assert.Throws<GradientCompileException>(() =>
            Op.Check("Gather", [1, 5, 4], ["x", "i"], [Attributes.Of("axis", 1L)], constants: b => b.Int64s("i", [3L, 3], 2), opset: 13));
        Assert.Equal("Gather", e.OpType);
        Assert.Equal(13, e.Opset);
    }

    [Theory]
    [InlineData("constant", 13)]
    [InlineData("reflect", 16)]
    [InlineData("edge", 16)]
    public void Pad_Modes_MatchesEngineAndFiniteDifferences(string mode, int opset) =>
        GradientCheck.AssertClose(Op.Check("Pad", [1, 2, 4, 5], ["x", "p"], [Attributes.Of("mode", mode)],
            constants: b => b.Int64s("p", [0L, 0, 2, 1, 0, 0, 1, 2]), opset: opset, engine: mode == "constant"));
}
