using System.Runtime.Intrinsics;
using Explain.Engine.Kernels;
using Explain.Engine.Kernels.Operators;

namespace Explain.Engine.Tests;

/// <summary>
/// The shared SIMD drivers against the scalar Invoke of the same operator, for every length 0..256
/// (all Vector512/Vector256/scalar tail splits). Re-run with DOTNET_EnableAVX512=0 and
/// DOTNET_EnableHWIntrinsic=0 to exercise the narrower paths. NOTE: on .NET 10 the older knob
/// DOTNET_EnableAVX512F=0 is ignored (Vector512 stays accelerated); SimdPathTests asserts which
/// path a run actually used.
/// </summary>
[Trait("Category", "Kernels")]
public class ElementwiseKernelTests
{
    private const double Tolerance = 4e-7;

    public static TheoryData<string> UnaryOperators => new(UnaryCases.Keys);

    public static TheoryData<string> BinaryOperators => new(BinaryCases.Keys);

    private static readonly Dictionary<string, Action<float[], float[], float[]>> UnaryCases = new()
    {
        ["Relu"] = Unary(new ReluOperator()),
        ["LeakyRelu"] = Unary(new LeakyReluOperator(0.1f)),
        ["Clip"] = Unary(new ClipOperator(-0.5f, 0.7f)),
        ["Sigmoid"] = Unary(new SigmoidOperator()),
        ["HardSigmoid"] = Unary(new HardSigmoidOperator(0.2f, 0.5f)),
        ["HardSwish"] = Unary(new HardSwishOperator()),
        ["Tanh"] = Unary(new TanhOperator()),
        ["Erf"] = Unary(new ErfOperator()),
        ["Exp"] = Unary(new ExpOperator()),
        ["Log"] = Unary(new LogOperator()),
        ["Sqrt"] = Unary(new SqrtOperator()),
        ["Reciprocal"] = Unary(new ReciprocalOperator()),
        ["Neg"] = Unary(new NegateOperator()),
        ["Abs"] = Unary(new AbsOperator()),
        ["Softplus"] = Unary(new SoftplusOperator()),
        ["Elu"] = Unary(new EluOperator(1.3f)),
        ["Gelu"] = Unary(new GeluOperator(false)),
        ["GeluTanh"] = Unary(new GeluOperator(true)),
        ["Floor"] = Unary(new FloorOperator()),
        ["Ceil"] = Unary(new CeilOperator()),
    };

    private static readonly Dictionary<string, Action<float[], float[], float[], float[]>> BinaryCases = new()
    {
        ["Add"] = Binary(new AddOperator()),
        ["Sub"] = Binary(new SubtractOperator()),
        ["Mul"] = Binary(new MultiplyOperator()),
        ["Div"] = Binary(new DivideOperator()),
        ["Max"] = Binary(new MaxOperator()),
        ["Min"] = Binary(new MinOperator()),
        ["Pow"] = Binary(new PowOperator()),
        ["ReluGradient"] = Binary(new ReluGradientOperator(false)),
        ["ReluGuided"] = Binary(new ReluGradientOperator(true)),
        ["ClipGuided"] = Binary(new ClipGradientOperator(0, 0.6f, true)),
        ["SigmoidGradient"] = Binary(new SigmoidGradientOperator()),
        ["HardSwishGradient"] = Binary(new HardSwishGradientOperator()),
        ["EluGradient"] = Binary(new EluGradientOperator(0.7f)),
        ["ErfGradient"] = Binary(new ErfGradientOperator()),
        ["GeluGradient"] = Binary(new GeluGradientOperator(false)),
        ["AbsGradient"] = Binary(new AbsGradientOperator()),
    };

    [Theory]
    [MemberData(nameof(UnaryOperators))]
    public void Unary_EveryLength0To256_MatchesScalarInvoke(string name)
    {
        var random = new Random(7);
        for (int n = 0; n <= 256; n++)
        {
            float[] x = Values(random, n, positive: name is "Log" or "Sqrt");
            float[] actual = new float[n], expected = new float[n];

            UnaryCases[name](x, actual, expected);

            AssertClose(expected, actual, $"{name} n={n}");
        }
    }

    [Theory]
    [MemberData(nameof(BinaryOperators))]
    public void Binary_EveryLength0To256_MatchesScalarInvoke(string name)
    {
        var random = new Random(11);
        for (int n = 0; n <= 256; n++)
        {
            float[] a = Values(random, n, positive: name == "Pow"), b = Values(random, n, positive: false);
            float[] actual = new float[n], expected = new float[n];

            BinaryCases[name](a, b, actual, expected);

            AssertClose(expected, actual, $"{name} n={n}");
        }
    }

    [Fact]
    public void BinaryScalar_EveryLength_MatchesScalarInvoke()
    {
        var random = new Random(3);
        for (int n = 0; n <= 256; n++)
        {
            float[] a = Values(random, n, false), right = new float[n], left = new float[n];

            ElementwiseKernel.BinaryScalarRight(a, 0.75f, right, new SubtractOperator());
            ElementwiseKernel.BinaryScalarLeft(0.75f, a, left, new SubtractOperator());

            for (int i = 0; i < n; i++)
            {
                Assert.Equal(a[i] - 0.75f, right[i]);
                Assert.Equal(0.75f - a[i], left[i]);
            }
        }
    }

    [Fact]
    public void Unary_DestinationTooShort_Throws()
    {
        Assert.Throws<ArgumentException>(() => ElementwiseKernel.Unary(new float[4], new float[3], new ReluOperator()));
    }

    [Fact]
    public void Hardware_ReportsWhichPathsRan()
    {
        // Not an assertion on the machine: documents in the test log which drivers this run exercised.
        Console.WriteLine($"Vector512 {Vector512.IsHardwareAccelerated}, Vector256 {Vector256.IsHardwareAccelerated}");
        Assert.True(!Vector512.IsHardwareAccelerated || Vector256.IsHardwareAccelerated);
    }

    internal static float[] Values(Random random, int n, bool positive)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++)
            x[i] = positive ? (float)(0.05 + random.NextDouble() * 4) : (float)((random.NextDouble() * 2 - 1) * 4);
        return x;
    }

    internal static void AssertClose(float[] expected, float[] actual, string what, double tolerance = Tolerance)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            double err = Math.Abs(expected[i] - actual[i]) / Math.Max(1e-6, Math.Abs(expected[i]));
            Assert.True(err <= tolerance || expected[i].Equals(actual[i]), $"{what} [{i}]: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }

    private static Action<float[], float[], float[]> Unary<TOp>(TOp op) where TOp : struct, IUnaryOperator => (x, actual, expected) =>
    {
        ElementwiseKernel.Unary(x, actual, op);
        for (int i = 0; i < x.Length; i++)
            expected[i] = op.Invoke(x[i]);
    };

    private static Action<float[], float[], float[], float[]> Binary<TOp>(TOp op) where TOp : struct, IBinaryOperator => (a, b, actual, expected) =>
    {
        ElementwiseKernel.Binary(a, b, actual, op);
        for (int i = 0; i < a.Length; i++)
            expected[i] = op.Invoke(a[i], b[i]);
    };
}
