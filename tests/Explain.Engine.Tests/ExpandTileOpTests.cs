using Explain.Engine.Ops;
using Explain.Engine.Tensors;
using static Explain.Engine.Tests.OpTestHelpers;

namespace Explain.Engine.Tests;

public class ExpandTileOpTests
{
    [Fact]
    public void Expand_Forward_BroadcastsBothWays()
    {
        // numpy broadcasting: [3, 1] against [2, 1, 6] gives [2, 3, 6] (the shape input may be smaller).
        var x = Iota(3, 1);

        var y = Forward(new ExpandOp(), x, Ints(2, 1, 6))[0];

        Assert.Equal([2, 3, 6], y.Shape);
        Assert.Equal(2f, y.Floats[2 * 6 + 5]);
        Assert.Equal(1f, y.Floats[18 + 6]);
    }

    [Fact]
    public void Tile_Forward_RepeatsPerAxis()
    {
        var y = Forward(new TileOp(), Tensor.FromInt64([1, 2], 1, 2), Ints(2, 2))[0];

        Assert.Equal([2, 4], y.Shape);
        Assert.Equal([1L, 2, 1, 2, 1, 2, 1, 2], y.Longs);
    }

    [Fact]
    public void Expand_Backward_GradientCheckPasses() =>
        GradientCheck.Check(() => new ExpandOp(), [GradientCheck.Random([3, 1], new Random(1)), Ints(2, 3, 4)], [0]);

    [Fact]
    public void Tile_Backward_GradientCheckPasses() =>
        GradientCheck.Check(() => new TileOp(), [GradientCheck.Random([2, 3], new Random(1)), Ints(2, 3)], [0]);

    [Fact]
    public void Expand_BatchedSeedsKeepingBatch_EqualSeparatePasses() =>
        AssertBatchedSeedsMatchSeparate(() => new ExpandOp(), [GradientCheck.Random([2, 3, 1], new Random(1)), Ints(2, 3, 4)], [0]);

    [Fact]
    public void Tile_BatchedSeedsKeepingBatch_EqualSeparatePasses() =>
        AssertBatchedSeedsMatchSeparate(() => new TileOp(), [GradientCheck.Random([2, 2, 2], new Random(1)), Ints(1, 2, 3)], [0]);
}
