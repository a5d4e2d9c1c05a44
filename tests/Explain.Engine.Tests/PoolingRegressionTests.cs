using Explain.Engine.Ops;
using Explain.Engine.Tensors;

namespace Explain.Engine.Tests;

public class PoolingRegressionTests
{
    private static readonly PoolSettings Stem = new([3, 3], [2, 2], [1, 1, 1, 1], [], "NOTSET", false);

    public static TheoryData<string> Ops => ["max", "average", "globalmax", "globalaverage"];

    private static Op Create(string name) => name switch
    {
        "max" => new MaxPoolOp(Stem),
        "average" => new AveragePoolOp(Stem, countIncludePad: false),
        "globalmax" => new GlobalMaxPoolOp(),
        _ => new GlobalAveragePoolOp(),
    };

    [Theory]
    [MemberData(nameof(Ops))]
    public void Forward_ThreadCountAndSaveForBackward_DoNotChangeResults(string name)
    {
        var x = GradientCheck.Random([2, 16, 33, 31], new Random(3));

        var single = Create(name).Forward(new OpContext { Threads = 1 }, [x])[0];
        var parallel = Create(name).Forward(new OpContext { Threads = 4, SaveForBackward = true }, [x])[0];

        Assert.Equal(single.Floats, parallel.Floats);
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void ForwardBackward_Input_IsNotMutated(string name)
    {
        var x = GradientCheck.Random([1, 3, 9, 9], new Random(3));
        var copy = x.Clone();
        var op = Create(name);
        op.NeedsInputGradient = [true];
        var context = new OpContext { SaveForBackward = true };
        var y = op.Forward(context, [x])[0];

        op.Backward(context, [GradientCheck.RandomLike(y, new Random(1))]);

        Assert.Equal(copy.Floats, x.Floats);
    }

    [Fact]
    public void MaxPool_NaNInWindow_PropagatesAndTakesTheGradient()
    {
        var x = Tensor.FromArray([1f, 3f, float.NaN, 2f], 1, 1, 2, 2);
        var op = new MaxPoolOp(new PoolSettings([2, 2], [], [], [], "NOTSET", false)) { NeedsInputGradient = [true] };
        var context = new OpContext { SaveForBackward = true };

        var y = op.Forward(context, [x])[0];
        var dx = op.Backward(context, [Tensor.FromArray([1f], 1, 1, 1, 1)])[0]!;

        Assert.True(float.IsNaN(y.Floats[0]));
        Assert.Equal([0f, 0f, 1f, 0f], dx.Floats);
    }

    [Fact]
    public void MaxPool_Backward_ZeroTiesAfterReluGoToFirstZeroInRowMajorOrder()
    {
        // Zeros after a ReLU tie inside every window; PyTorch routes each window's gradient to its
        // first zero in row-major order.
        var x = Tensor.FromArray([-1f, 0f, 0f, 0f, 0f, -2f, 0f, 0f, -3f], 1, 1, 3, 3);
        var op = new MaxPoolOp(new PoolSettings([2, 2], [1, 1], [], [], "NOTSET", false)) { NeedsInputGradient = [true] };
        var context = new OpContext { SaveForBackward = true };
        op.Forward(context, [x]);

        var dx = op.Backward(context, [Tensor.FromArray([1f, 10f, 100f, 1000f], 1, 1, 2, 2)])[0]!;

        // Windows: (0,0) → taps 0,1,3,4 first max index 1; (0,1) → 1,2,4,5 → 1; (1,0) → 3,4,6,7 → 3; (1,1) → 4,5,7,8 → 4.
        Assert.Equal([0f, 11f, 0f, 100f, 1000f, 0f, 0f, 0f, 0f], dx.Floats);
    }

    [Fact]
    public void MaxPool_Backward_TieAcrossRowsAndColumns_PicksRowMajorFirst()
    {
        // [[0, 5], [5, 0]]: the maxima tie at (0, 1) and (1, 0); row-major order reaches (0, 1) first,
        // whereas a column-first reduction would pick (1, 0).
        var x = Tensor.FromArray([0f, 5f, 5f, 0f], 1, 1, 2, 2);
        var op = new MaxPoolOp(new PoolSettings([2, 2], [], [], [], "NOTSET", false)) { NeedsInputGradient = [true] };
        var context = new OpContext { SaveForBackward = true };
        op.Forward(context, [x]);

        var dx = op.Backward(context, [Tensor.FromArray([1f], 1, 1, 1, 1)])[0]!;

        Assert.Equal([0f, 1f, 0f, 0f], dx.Floats);
    }
}
