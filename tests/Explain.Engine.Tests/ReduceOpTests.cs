using Explain.Engine.Tensors;
using static Explain.Engine.Tests.OpTestHelpers;

namespace Explain.Engine.Tests;

public class ReduceOpTests
{
    private static readonly Dictionary<string, Func<IEnumerable<double>, double>> References = new()
    {
        ["ReduceSum"] = v => v.Sum(),
        ["ReduceMean"] = v => v.Average(),
        ["ReduceMax"] = v => v.Max(),
        ["ReduceL2"] = v => Math.Sqrt(v.Sum(e => e * e)),
    };

    public static TheoryData<string, long[], bool> Cases()
    {
        var data = new TheoryData<string, long[], bool>();
        foreach (string op in References.Keys)
        {
            data.Add(op, [2, 3], true); // global pooling over H, W
            data.Add(op, [1], false);
            data.Add(op, [-1, 0], true); // non-adjacent, negative
            data.Add(op, [], false); // empty: reduce everything
        }
        return data;
    }

    /// <summary>Builds for opset 13: ReduceSum reads axes from input 1, the others from the attribute.</summary>
    private static (Func<Ops.Op> Create, Tensor[] Inputs) Arrange(string op, long[] axes, bool keepDims, Tensor x)
    {
        long keep = keepDims ? 1 : 0;
        if (op == "ReduceSum")
            return (Factory(op, 13, ("keepdims", keep)), axes.Length == 0 ? [x] : [x, Tensor.FromInt64(axes, axes.Length)]);
        return (axes.Length == 0 ? Factory(op, 13, ("keepdims", keep)) : Factory(op, 13, ("axes", axes), ("keepdims", keep)), [x]);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_Axes_MatchesReference(string op, long[] axes, bool keepDims)
    {
        var x = Uniform([2, 3, 4, 5], 1, -2, 2);
        var (create, inputs) = Arrange(op, axes, keepDims, x);

        var y = Forward(create(), inputs)[0];

        var reduced = Enumerable.Range(0, 4).Select(d => axes.Length == 0 || axes.Any(a => (a + 4) % 4 == d)).ToArray();
        int[] expectedShape = keepDims ? x.Shape.Select((d, i) => reduced[i] ? 1 : d).ToArray() : x.Shape.Where((_, i) => !reduced[i]).ToArray();
        Assert.Equal(expectedShape, y.Shape);
        var groups = new Dictionary<int, List<double>>();
        var keptShape = x.Shape.Select((d, i) => reduced[i] ? 1 : d).ToArray();
        for (int k = 0; k < x.Length; k++)
        {
            int o = BroadcastReference.Source(k, x.Shape, keptShape);
            (groups.TryGetValue(o, out var list) ? list : groups[o] = []).Add(x.Floats[k]);
        }
        foreach (var (o, values) in groups)
            AssertNear(References[op](values), y.Floats[o]);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backward_MatchesFiniteDifferences(string op, long[] axes, bool keepDims)
    {
        var (create, inputs) = Arrange(op, axes, keepDims, Uniform([2, 3, 2, 2], 2, -2, 2));

        GradientCheck.Check(create, inputs, [0], step: 1e-3f);
    }

    [Theory]
    [InlineData("ReduceMean")]
    [InlineData("ReduceMax")]
    [InlineData("ReduceL2")]
    public void Backward_ThreeSeeds_EqualsThreeSeparatePasses(string op)
    {
        AssertBatchedSeedsMatch(Factory(op, 13, ("axes", new long[] { 2, 3 })), [Uniform([2, 3, 2, 2], 3, -2, 2)], [0]);
    }

    [Fact]
    public void ReduceSum_NoopWithEmptyAxes_IsIdentity()
    {
        var x = Uniform([2, 3], 4, -1, 1);

        var y = Forward(Factory("ReduceSum", 13, ("noop_with_empty_axes", 1L))(), x)[0];

        Assert.Equal(x.Shape, y.Shape);
        Assert.Equal(x.Floats, y.Floats);
    }

    [Fact]
    public void ReduceMean_Opset18AxesInput_IsRead()
    {
        var y = Forward(Factory("ReduceMean", 18, ("keepdims", 0L))(), Tensor.FromArray([1f, 2f, 3f, 5f], 2, 2), Tensor.FromInt64([1L], 1))[0];

        Assert.Equal([2], y.Shape);
        Assert.Equal([1.5f, 4f], y.Floats);
    }

    [Fact]
    public void ReduceMax_Tie_SplitsGradientEvenly()
    {
        var op = Factory("ReduceMax", 13, ("axes", new long[] { 1 }))();
        op.NeedsInputGradient = [true];
        var context = new Ops.OpContext { SaveForBackward = true };
        op.Forward(context, [Tensor.FromArray([3f, 1f, 3f], 1, 3)]);

        var g = op.Backward(context, [Tensor.FromArray([2f], 1, 1)])[0]!;

        Assert.Equal([1f, 0f, 1f], g.Floats);
    }
}
