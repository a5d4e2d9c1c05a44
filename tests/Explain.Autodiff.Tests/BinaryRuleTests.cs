using Explain.Autodiff.Compiler;
using Explain.Autodiff.Tests.Support;

namespace Explain.Autodiff.Tests;

/// <summary>Broadcasting binary rules, Pow, MatMul and Gemm.</summary>
public sealed class BinaryRuleTests
{
    public static TheoryData<string, long[]> Broadcasts => new()
    {
        { "Add", [3, 1, 1] }, { "Add", [] }, { "Sub", [5] }, { "Sub", [1, 1, 4, 1] },
        { "Mul", [3, 4, 5] }, { "Mul", [1, 3, 1, 5] }, { "Div", [3, 1, 1] }, { "Div", [4, 5] },
    };

    [Theory]
    [MemberData(nameof(Broadcasts))]
    public void Binary_ConstantOperandBroadcast_MatchesEngineAndFiniteDifferences(string op, long[] other)
    {
        // the constant on the right, then on the left (the observed operand is then input 1)
        foreach (var order in new[] { new[] { "x", "w" }, ["w", "x"] })
            GradientCheck.AssertClose(Op.Check(op, [1, 3, 4, 5], order,
                constants: b => b.Floats("w", Data.Normal(new Random(5), (int)other.Aggregate(1L, (p, d) => p * d)).Select(v => MathF.Abs(v) + 0.5f).ToArray(), other),
                map: op == "Div" && order[0] == "w" ? v => MathF.Abs(v) + 0.5f : null));
    }

    [Theory]
    [InlineData("Add")]
    [InlineData("Sub")]
    [InlineData("Mul")]
    [InlineData("Div")]
    public void Binary_BothOperandsOnPathBroadcast_MatchesEngineAndFiniteDifferences(string op)
    {
        // y = op(x, mean over the last axis of x): the broadcast operand also depends on x, so its
        // gradient is summed over the broadcast axis and accumulated with the direct one.
        var model = new ModelBuilder(13).Input("x", 1, 3, 4, 5)
            .Node("ReduceMean", ["x"], ["m"], Attributes.Of("axes", [3L]), Attributes.Of("keepdims", 1L))
            .Node("Add", ["m", "two"], ["b"]).Floats("two", [2f])
            .Node(op, ["x", "b"], ["y"]).Output("y").Build();
        GradientCheck.AssertClose(Op.Run(model, [1, 3, 4, 5], map: v => v * 0.3f));
    }

    [Fact]
    public void Mul_SameTensorTwice_AccumulatesBothUses() =>
        GradientCheck.AssertClose(Op.Check("Mul", [1, 2, 3], ["x", "x"]));

    [Theory]
    [InlineData(2f)]
    [InlineData(3f)]
    [InlineData(0.5f)]
    public void Pow_ConstantExponent_MatchesEngineAndFiniteDifferences(float exponent) =>
        GradientCheck.AssertClose(Op.Check("Pow", [1, 2, 3, 4], ["x", "e"], constants: b => b.Floats("e", [exponent]),
            map: v => MathF.Abs(v) + 0.5f));

    [Fact]
    public void Pow_ObservedExponent_MatchesFiniteDifferences() =>
        GradientCheck.AssertClose(Op.Check("Pow", [1, 2, 3], ["b", "x"], constants: b => b.Floats("b", [1.5f, 2f, 0.7f], 3), engine: false));

    [Theory]
    [InlineData(new[] { 1, 3, 4 }, new long[] { 4, 5 })]
    [InlineData(new[] { 1, 2, 3, 4 }, new long[] { 2, 4, 5 })]
    [InlineData(new[] { 1, 4 }, new long[] { 4, 2 })]
    public void MatMul_ConstantRight_MatchesEngineAndFiniteDifferences(int[] x, long[] w) =>
        GradientCheck.AssertClose(Op.Check("MatMul", x, ["x", "w"], constants: b => b.Random("w", new Random(3), w), engine: true));

    [Fact]
    public void MatMul_ConstantLeft_MatchesEngineAndFiniteDifferences() =>
        GradientCheck.AssertClose(Op.Check("MatMul", [1, 3, 4], ["w", "x"], constants: b => b.Random("w", new Random(3), 2, 3)));

    [Fact]
    public void MatMul_BothOperandsObserved_AttentionLike()
    {
        var model = new ModelBuilder(13).Input("x", 1, 4, 3)
            .Node("Transpose", ["x"], ["t"], Attributes.Of("perm", [0L, 2, 1]))
            .Node("MatMul", ["x", "t"], ["y"]).Output("y").Build();
        GradientCheck.AssertClose(Op.Run(model, [1, 4, 3]));
    }

    [Theory]
    [InlineData(false, true, 1f, 1f)]
    [InlineData(false, false, 0.5f, 2f)]
    [InlineData(true, true, 1.5f, 0f)]
    public void Gemm_Transposes_MatchesEngineAndFiniteDifferences(bool transA, bool transB, float alpha, float beta)
    {
        int[] x = transA ? [6, 1] : [1, 6];
        long[] w = transB ? [5, 6] : [6, 5];
        GradientCheck.AssertClose(Op.Check("Gemm", x, ["x", "w", "c"],
            [Attributes.Of("transA", transA ? 1L : 0L), Attributes.Of("transB", transB ? 1L : 0L), Attributes.Of("alpha", alpha), Attributes.Of("beta", beta)],
            constants: b => b.Random("w", new Random(8), w).Random("c", new Random(9), 5), engine: !transA));
    }
}
