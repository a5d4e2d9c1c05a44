using Explain.Engine.Ops;
using Explain.Engine.Tensors;
using static Explain.Engine.Tests.OpTestHelpers;

namespace Explain.Engine.Tests;

public class BinaryOpTests
{
    private static readonly Dictionary<string, Func<double, double, double>> References = new()
    {
        ["Add"] = (a, b) => a + b,
        ["Sub"] = (a, b) => a - b,
        ["Mul"] = (a, b) => a * b,
        ["Div"] = (a, b) => a / b,
        ["Pow"] = Math.Pow,
        ["Max"] = Math.Max,
        ["Min"] = Math.Min,
    };

    public static TheoryData<string, int[], int[]> Cases() => Select(nonEmpty: false);

    /// <summary>GradientCheck needs at least one element per input.</summary>
    public static TheoryData<string, int[], int[]> GradientCases() => Select(nonEmpty: true);

    private static TheoryData<string, int[], int[]> Select(bool nonEmpty)
    {
        int[][][] shapes =
        [
            [[2, 3, 4, 5], [2, 3, 4, 5]], // same shape
            [[1, 3, 4, 5], [3, 1, 1]], // per-channel over NCHW
            [[2, 3, 4, 5], []], // scalar right
            [[], [2, 3]], // scalar left
            [[4, 1], [1, 5]], // outer product
            [[2, 1, 4], [3, 1]], // general strided
            [[3, 1, 5], [1, 4, 1]],
            [[1, 3, 1, 1], [2, 3, 4, 5]], // channel vector on the left
            [[2, 0, 3], [1, 3]], // empty
        ];
        var data = new TheoryData<string, int[], int[]>();
        foreach (string op in References.Keys)
            foreach (var pair in shapes.Where(p => !nonEmpty || !p[0].Contains(0)))
                data.Add(op, pair[0], pair[1]);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_Broadcast_MatchesIndexReference(string op, int[] aShape, int[] bShape)
    {
        var (a, b) = Operands(op, aShape, bShape);

        var y = Forward(Factory(op, 14)(), a, b)[0];

        var expected = BroadcastReference.Apply(a, b, References[op]);
        Assert.Equal(TensorShape.Broadcast(aShape, bShape), y.Shape);
        for (int k = 0; k < expected.Length; k++)
            Assert.True(Math.Abs(y.Floats[k] - expected[k]) <= 2e-7 * Math.Abs(expected[k]) + 1e-30, $"{op} [{k}]: {y.Floats[k]} vs {expected[k]}");
    }

    [Theory]
    [MemberData(nameof(GradientCases))]
    public void Backward_Broadcast_SummedToInputsMatchesFiniteDifferences(string op, int[] aShape, int[] bShape)
    {
        var (a, b) = Operands(op, aShape, bShape);

        GradientCheck.Check(() => new BroadcastReference.Reducing(Factory(op, 14)()), [a, b], [0, 1], step: 1e-3f);
    }

    [Theory]
    [InlineData("Add")]
    [InlineData("Sub")]
    [InlineData("Mul")]
    [InlineData("Div")]
    [InlineData("Pow")]
    [InlineData("Max")]
    public void Backward_ThreeSeeds_EqualsThreeSeparatePasses(string op)
    {
        var (a, b) = Operands(op, [2, 3, 2, 2], [3, 1, 1]);

        AssertBatchedSeedsMatch(Factory(op, 14), [a, b], [0, 1]);
    }

    [Fact]
    public void Max_Tie_SplitsGradientEvenly()
    {
        var op = Factory("Max", 13)();
        op.NeedsInputGradient = [true, true];
        var context = new OpContext { SaveForBackward = true };
        op.Forward(context, [Tensor.FromArray([1f, 2f], 2), Tensor.FromArray([1f, 3f], 2)]);

        var g = op.Backward(context, [Tensor.FromArray([4f, 4f], 2)]);

        Assert.Equal([2f, 0f], g[0]!.Floats);
        Assert.Equal([2f, 4f], g[1]!.Floats);
    }

    [Fact]
    public void Pow_BaseZeroSquare_GradientsAreFiniteAsPyTorch()
    {
        var op = Factory("Pow", 15)();
        op.NeedsInputGradient = [true, true];
        var context = new OpContext { SaveForBackward = true };
        op.Forward(context, [Tensor.FromArray([0f, 3f], 2), Tensor.Scalar(2f)]);

        var g = op.Backward(context, [Tensor.FromArray([1f, 1f], 2)]);

        Assert.Equal([0f, 6f], g[0]!.Floats);
        Assert.Equal(0f, g[1]!.Floats[0]);
        Assert.Equal(9 * MathF.Log(3), g[1]!.Floats[1], 5);
    }

    [Theory]
    [InlineData("Add", new long[] { 7, -7, 9 }, new long[] { 2 }, new long[] { 9, -5, 11 })]
    [InlineData("Sub", new long[] { 7, -7, 9 }, new long[] { 2 }, new long[] { 5, -9, 7 })]
    [InlineData("Mul", new long[] { 7, -7, 9 }, new long[] { -2 }, new long[] { -14, 14, -18 })]
    [InlineData("Div", new long[] { 7, -7, 9 }, new long[] { 2 }, new long[] { 3, -3, 4 })]
    public void Int64_Broadcast_ExactArithmeticTruncatingDivision(string op, long[] a, long[] b, long[] expected)
    {
        var y = Forward(Factory(op, 14)(), Tensor.FromInt64(a, a.Length), Tensor.FromInt64(b, b.Length))[0];

        Assert.Equal(DataType.Int64, y.Type);
        Assert.Equal(expected, y.Longs);
    }

    [Fact]
    public void Int64_OuterProductShapes_Broadcast()
    {
        var y = Forward(Factory("Mul", 14)(), Tensor.FromInt64([1, 2], 2, 1), Tensor.FromInt64([10, 20, 30], 1, 3))[0];

        Assert.Equal([2, 3], y.Shape);
        Assert.Equal([10L, 20, 30, 20, 40, 60], y.Longs);
    }

    [Fact]
    public void Int64_MaxMin_Broadcast()
    {
        var a = Tensor.FromInt64([1, 5, -3], 3);
        var b = Tensor.FromInt64([2], 1);

        var max = Forward(Factory("Max", 13)(), a, b)[0];
        var min = Forward(Factory("Min", 13)(), a, b)[0];

        Assert.Equal([2L, 5, 2], max.Longs);
        Assert.Equal([1L, 2, -3], min.Longs);
    }

    [Fact]
    public void Pow_Int64Exponent_FloatResult()
    {
        var y = Forward(Factory("Pow", 15)(), Tensor.FromArray([1.5f, -2f], 2), Tensor.FromInt64([3L], 1))[0];

        Assert.Equal(DataType.Float32, y.Type);
        Assert.Equal([3.375f, -8f], y.Floats);
    }

    [Fact]
    public void Forward_MixedTypes_Throws()
    {
        Assert.Throws<Errors.TensorShapeException>(() => Forward(Factory("Add", 14)(), Tensor.Scalar(1f), Tensor.FromInt64([1L])));
    }

    [Fact]
    public void Forward_LargePerChannelOnTwoThreads_EqualsSingleThread()
    {
        var a = Uniform([2, 16, 64, 64], 1, -2, 2);
        var b = Uniform([16, 1, 1], 2, -2, 2);
        var op = Factory("Mul", 14)();

        var parallel = op.Forward(new OpContext { Threads = 2 }, [a, b])[0];
        var serial = op.Forward(new OpContext { Threads = 1 }, [a, b])[0];

        Assert.Equal(serial.Floats, parallel.Floats);
        var expected = BroadcastReference.Apply(a, b, (x, y) => x * y);
        Assert.Equal(expected.Select(v => (float)v), parallel.Floats);
    }

    private static (Tensor A, Tensor B) Operands(string op, int[] aShape, int[] bShape)
    {
        // Keep Div/Pow away from 0 and Max/Min operands apart, so finite differences are well defined.
        return op switch
        {
            "Div" => (Uniform(aShape, 1, -2, 2), RandomAway(bShape, 2, 2, 0.5f, 0)),
            "Pow" => (Uniform(aShape, 1, 0.5f, 2), Uniform(bShape, 2, -2, 2)),
            "Max" or "Min" => (Uniform(aShape, 1, -2, 2), Uniform(bShape, 2, -2, 2)),
            _ => (Uniform(aShape, 1, -2, 2), Uniform(bShape, 2, -2, 2)),
        };
    }
}
