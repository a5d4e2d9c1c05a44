using Explain.Autodiff.Compiler;
using Explain.Autodiff.Tests.Support;

namespace Explain.Autodiff.Tests;

/// <summary>Element-wise unary rules against the engine's exact backward and finite differences, K = 3 seeds.</summary>
public sealed class UnaryRuleTests
{
    private static readonly int[] Shape = [1, 2, 3, 4];

    [Theory]
    [InlineData("Relu")]
    [InlineData("Sigmoid")]
    [InlineData("Tanh")]
    [InlineData("Exp")]
    [InlineData("Neg")]
    [InlineData("Identity")]
    [InlineData("Softplus")]
    [InlineData("Erf")]
    public void Unary_Rule_MatchesEngineAndFiniteDifferences(string op) =>
        GradientCheck.AssertClose(Op.Check(op, Shape, ["x"], map: Op.AwayFrom(0f)));

    [Theory]
    [InlineData("Log")]
    [InlineData("Sqrt")]
    [InlineData("Reciprocal")]
    public void Unary_PositiveDomain_MatchesEngineAndFiniteDifferences(string op) =>
        GradientCheck.AssertClose(Op.Check(op, Shape, ["x"], map: v => MathF.Abs(v) + 0.5f));

    [Fact]
    public void Abs_AwayFromZero_MatchesFiniteDifferences() =>
        GradientCheck.AssertClose(Op.Check("Abs", Shape, ["x"], map: Op.AwayFrom(0f), engine: false));

    [Fact]
    public void LeakyRelu_Alpha_MatchesEngineAndFiniteDifferences() =>
        GradientCheck.AssertClose(Op.Check("LeakyRelu", Shape, ["x"], [Attributes.Of("alpha", 0.1f)], map: Op.AwayFrom(0f)));

    [Fact]
    public void HardSigmoid_TorchConstants_MatchesEngineAndFiniteDifferences() =>
        GradientCheck.AssertClose(Op.Check("HardSigmoid", Shape, ["x"], [Attributes.Of("alpha", 1f / 6), Attributes.Of("beta", 0.5f)],
            map: v => Op.AwayFrom(-3f, 3f)(v * 4)));

    [Fact]
    public void HardSwish_AcrossItsPieces_MatchesEngineAndFiniteDifferences() =>
        GradientCheck.AssertClose(Op.Check("HardSwish", Shape, ["x"], opset: 14, map: v => Op.AwayFrom(-3f, 3f)(v * 4)));

    [Fact]
    public void Dropout_Inference_PassesGradient() =>
        GradientCheck.AssertClose(Op.Check("Dropout", Shape, ["x"]));

    [Fact]
    public void Cast_FloatToFloat_PassesGradient() =>
        GradientCheck.AssertClose(Op.Check("Cast", Shape, ["x"], [Attributes.Of("to", 1L)], engine: false));

    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    public void Clip_Relu6_MatchesEngineAndFiniteDifferences(int opset) =>
        GradientCheck.AssertClose(Op.Check("Clip", Shape, ["x", "lo", "hi"], opset: opset,
            constants: b => b.Floats("lo", [0f]).Floats("hi", [6f]), map: v => Op.AwayFrom(0f, 6f)(v * 5)));

    [Fact]
    public void Clip_MaxOnly_MatchesEngineAndFiniteDifferences() =>
        GradientCheck.AssertClose(Op.Check("Clip", Shape, ["x", "", "hi"],
            constants: b => b.Floats("hi", [0.5f]), map: Op.AwayFrom(0.5f)));

    [Fact]
    public void Relu_Guided_MatchesEngineGuidedMode()
    {
        var guided = Op.Check("Relu", Shape, ["x"], mode: GradientMode.Guided, differences: false);
        var standard = Op.Check("Relu", Shape, ["x"], differences: false);
        GradientCheck.AssertClose(guided);
        Assert.All(guided.Gradient, g => Assert.True(g >= 0));
        Assert.NotEqual(standard.Gradient, guided.Gradient);
    }

    [Fact]
    public void Clip_FloorZeroGuided_MatchesEngineGuidedMode()
    {
        var guided = Op.Check("Clip", Shape, ["x", "lo", "hi"], constants: b => b.Floats("lo", [0f]).Floats("hi", [6f]),
            mode: GradientMode.Guided, differences: false, map: v => v * 5);
        GradientCheck.AssertClose(guided);
        Assert.All(guided.Gradient, g => Assert.True(g >= 0));
    }

    [Fact]
    public void Clip_NonZeroFloorGuided_IsStandard()
    {
        var guided = Op.Check("Clip", Shape, ["x", "lo", "hi"], constants: b => b.Floats("lo", [-1f]).Floats("hi", [1f]),
            mode: GradientMode.Guided, differences: false);
        GradientCheck.AssertClose(guided);
        Assert.Contains(guided.Gradient, g => g < 0);
    }
}
