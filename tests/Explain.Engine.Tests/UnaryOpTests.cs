using Explain.Engine.Kernels.Operators;
using Explain.Engine.Ops;
using Explain.Engine.Tensors;
using static Explain.Engine.Tests.OpTestHelpers;

namespace Explain.Engine.Tests;

public class UnaryOpTests
{
    /// <summary>op type, attributes, double reference, input range, kinks to keep gradient checks away from.</summary>
    private static readonly Dictionary<string, (Func<Op> Create, Func<double, double> Reference, float Low, float High, float[] Kinks)> Cases = new()
    {
        ["Relu"] = (Factory("Relu"), x => Math.Max(x, 0), -3, 3, [0]),
        ["LeakyRelu"] = (Factory("LeakyRelu", 16, ("alpha", 0.1f)), x => x >= 0 ? x : 0.1 * x, -3, 3, [0]),
        ["LeakyReluDefault"] = (Factory("LeakyRelu"), x => x >= 0 ? x : 0.01 * x, -3, 3, [0]),
        ["Sigmoid"] = (Factory("Sigmoid"), ReferenceMath.Sigmoid, -20, 20, []),
        ["HardSigmoid"] = (Factory("HardSigmoid"), x => Math.Clamp(0.2 * x + 0.5, 0, 1), -4, 4, [-2.5f, 2.5f]),
        ["HardSwish"] = (Factory("HardSwish", 14), x => x * Math.Clamp(x / 6 + 0.5, 0, 1), -5, 5, [-3, 3]),
        ["Tanh"] = (Factory("Tanh"), Math.Tanh, -10, 10, []),
        ["Erf"] = (Factory("Erf"), ReferenceMath.Erf, -5, 5, []),
        ["Exp"] = (Factory("Exp"), Math.Exp, -20, 20, []),
        ["Log"] = (Factory("Log"), Math.Log, 0.01f, 100, []),
        ["Sqrt"] = (Factory("Sqrt"), Math.Sqrt, 0.01f, 100, []),
        ["Reciprocal"] = (Factory("Reciprocal"), x => 1 / x, 0.1f, 10, []),
        ["Neg"] = (Factory("Neg"), x => -x, -3, 3, []),
        ["Abs"] = (Factory("Abs"), Math.Abs, -3, 3, [0]),
        ["Softplus"] = (Factory("Softplus"), x => x < -15 ? Math.Exp(x) - Math.Exp(2 * x) / 2 : Math.Log(1 + Math.Exp(x)), -30, 30, []),
        ["Elu"] = (Factory("Elu", 6, ("alpha", 0.5f)), x => x > 0 ? x : 0.5 * (Math.Exp(x) - 1), -3, 3, [0]),
        ["Gelu"] = (Factory("Gelu", 20), ReferenceMath.Gelu, -6, 6, []),
        ["GeluTanh"] = (Factory("Gelu", 20, ("approximate", "tanh")),
            x => x * ReferenceMath.Sigmoid(2 * Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)), -6, 6, []),
        ["ClipAttributes"] = (Factory("Clip", 6, ("min", -0.5f), ("max", 1.5f)), x => Math.Clamp(x, -0.5, 1.5), -3, 3, [-0.5f, 1.5f]),
    };

    public static TheoryData<string> Names => new(Cases.Keys);

    public static TheoryData<string> Differentiable => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void Forward_1000Values_MatchesDoubleReference(string name)
    {
        var (create, reference, low, high, _) = Cases[name];
        var x = Uniform([10, 100], 1, low, high);

        var y = Forward(create(), x)[0];

        Assert.Equal(x.Shape, y.Shape);
        for (int i = 0; i < x.Length; i++)
        {
            double expected = reference(x.Floats[i]);
            // Piecewise-linear ops cancel in float by definition (0.2x + 0.5 near 0): an absolute floor of 1e-7.
            double floor = name.StartsWith("Hard") ? 1e-7 : 1e-37;
            Assert.True(Math.Abs(y.Floats[i] - expected) <= 3e-7 * Math.Abs(expected) + floor, $"{name}({x.Floats[i]:R}) = {y.Floats[i]:R}, expected {expected:R}");
        }
    }

    [Theory]
    [MemberData(nameof(Differentiable))]
    public void Backward_RandomInput_MatchesFiniteDifferences(string name)
    {
        var (create, _, low, high, kinks) = Cases[name];
        float scale = Math.Min(Math.Max(Math.Abs(low), Math.Abs(high)), 4);
        var x = low > 0 ? Uniform([2, 3, 4], 2, low + 0.05f, Math.Min(high, 4)) : RandomAway([2, 3, 4], 2, scale, 0.05f, kinks);

        GradientCheck.Check(create, [x], [0], step: 1e-3f);
    }

    [Fact]
    public void Erf_DenseGrid_WithinOneUlpOfDoubleReference()
    {
        var x = Tensor.FromArray(Enumerable.Range(-60000, 120001).Select(i => i / 10000f).ToArray(), 120001);

        var y = Forward(Factory("Erf")(), x)[0];

        for (int i = 0; i < x.Length; i++)
        {
            double expected = ReferenceMath.Erf(x.Floats[i]);
            double ulp = Math.Max(Math.Abs(MathF.BitIncrement((float)expected) - (float)expected), 1e-45);
            Assert.True(Math.Abs(y.Floats[i] - expected) <= 1.01 * ulp, $"erf({x.Floats[i]:R}) = {y.Floats[i]:R}, expected {expected:R}");
        }
    }

    [Theory]
    [InlineData(0.5, 0.5204998778130465)]
    [InlineData(1.0, 0.8427007929497149)]
    [InlineData(2.0, 0.9953222650189527)]
    [InlineData(3.0, 0.9999779095030014)]
    public void ReferenceErf_TabulatedValues_Match(double x, double expected)
    {
        // The reference is itself checked against tabulated values (Abramowitz & Stegun table 7.1).
        Assert.Equal(expected, ReferenceMath.Erf(x), 14);
    }

    [Theory]
    [InlineData("Floor")]
    [InlineData("Ceil")]
    public void FloorCeil_Backward_IsZero(string name)
    {
        var op = Factory(name)();
        op.NeedsInputGradient = [true];
        var context = new OpContext { SaveForBackward = true };
        var y = op.Forward(context, [Tensor.FromArray([-1.5f, 0.2f, 2.7f], 3)])[0];

        var g = op.Backward(context, [Tensor.FromArray([1f, 1f, 1f], 3)])[0]!;

        Assert.Equal(name == "Floor" ? [-2f, 0f, 2f] : [-1f, 1f, 3f], y.Floats);
        Assert.All(g.Floats, v => Assert.Equal(0f, v));
    }

    [Theory]
    [InlineData("Sigmoid")]
    [InlineData("Erf")]
    [InlineData("Relu")]
    [InlineData("Neg")]
    public void Backward_ThreeSeeds_EqualsThreeSeparatePasses(string name)
    {
        AssertBatchedSeedsMatch(Cases[name].Create, [RandomAway([2, 5], 3, 2f, 0.05f, 0)], [0]);
    }

    [Fact]
    public void Forward_Int64Input_ThrowsUnsupportedFeature()
    {
        Assert.Throws<Errors.UnsupportedFeatureException>(() => Forward(Factory("Sigmoid")(), Tensor.FromInt64([1L], 1)));
    }

    [Fact]
    public void Forward_LargeTensorOnTwoThreads_EqualsSingleThread()
    {
        var x = Uniform([1, 3, 200, 200], 4, -4, 4);
        var op = Factory("Gelu", 20)();

        var parallel = op.Forward(new OpContext { Threads = 2 }, [x])[0];
        var serial = op.Forward(new OpContext { Threads = 1 }, [x])[0];

        Assert.Equal(serial.Floats, parallel.Floats);
    }
}
