using Explain.Autodiff.Compiler;

namespace Explain.Autodiff.Rules;

/// <summary>
/// Element-wise unary ops: the gradient is g times the local derivative, computed from the
/// forward tensors (batch 1) and broadcast over the K seeds.
/// </summary>
internal static class UnaryRules
{
    public static void Register(Dictionary<string, GradientRule> rules)
    {
        rules["Identity"] = PassThrough;
        rules["Dropout"] = PassThrough; // inference: output 0 is the input (mask output is bool)
        rules["Cast"] = Cast;
        rules["Relu"] = Relu;
        rules["Clip"] = Clip;
        rules["LeakyRelu"] = (c, g) => Unary(c, g, () =>
            c.E.Where(c.E.Node("Greater", [c.In(0), c.E.Scalar(0f)]), c.E.Scalar(1f), c.E.Scalar(c.Node.Float("alpha", 0.01f))));
        rules["Sigmoid"] = (c, g) => Unary(c, g, () => c.E.Node("Mul", [c.Out(0), c.E.Node("Sub", [c.E.Scalar(1f), c.Out(0)])]));
        rules["HardSigmoid"] = HardSigmoid;
        rules["HardSwish"] = HardSwish;
        rules["Tanh"] = (c, g) => Unary(c, g, () => c.E.Node("Sub", [c.E.Scalar(1f), c.E.Node("Mul", [c.Out(0), c.Out(0)])]));
        // d erf(x)/dx = 2/sqrt(pi) exp(-x^2)
        rules["Erf"] = (c, g) => Unary(c, g, () => c.E.Node("Mul", [c.E.Scalar((float)(2 / Math.Sqrt(Math.PI))),
            c.E.Node("Exp", [c.E.Node("Neg", [c.E.Node("Mul", [c.In(0), c.In(0)])])])]));
        rules["Exp"] = (c, g) => Unary(c, g, () => c.Out(0));
        rules["Log"] = (c, g) => Unary(c, g, () => c.E.Node("Reciprocal", [c.In(0)]));
        rules["Sqrt"] = (c, g) => Unary(c, g, () => c.E.Node("Div", [c.E.Scalar(0.5f), c.Out(0)]));
        rules["Reciprocal"] = (c, g) => Unary(c, g, () => c.E.Node("Neg", [c.E.Node("Mul", [c.Out(0), c.Out(0)])]));
        rules["Neg"] = (c, g) => [c.E.Node("Neg", [g[0]!])];
        rules["Abs"] = (c, g) => Unary(c, g, () => c.E.Node("Sign", [c.In(0)]));
        rules["Softplus"] = (c, g) => Unary(c, g, () => c.E.Node("Sigmoid", [c.In(0)]));
    }

    private static string?[] Unary(RuleContext c, string?[] g, Func<string> derivative)
    {
        c.OnlyThrough(0);
        return [c.E.Node("Mul", [g[0]!, derivative()])];
    }

    private static string?[] PassThrough(RuleContext c, string?[] g)
    {
        c.OnlyThrough(0);
        return [g[0]];
    }

    private static string?[] Cast(RuleContext c, string?[] g)
    {
        if (c.Node.Int("to", 0) != ElementTypes.Float)
            return [null];
        return PassThrough(c, g);
    }

    /// <summary>
    /// Relu: g where y &gt; 0 (the gradient at 0 is 0, as in PyTorch). Guided (Springenberg et al.,
    /// 2015, eq. 5; the engine's ReluGradientOperator): only positive g where y &gt; 0.
    /// </summary>
    private static string?[] Relu(RuleContext c, string?[] g)
    {
        c.OnlyThrough(0);
        var pass = c.Mode is GradientMode.Guided or GradientMode.GuidedReluOnly ? c.E.Node("Relu", [g[0]!]) : g[0]!;
        return [c.E.Where(c.E.Node("Greater", [c.Out(0), c.E.Scalar(0f)]), pass, c.E.Scalar(0f))];
    }

    /// <summary>
    /// Clip: g where min &lt; x &lt; max, strict at both bounds like the engine's ClipGradient and
    /// PyTorch's hardtanh_backward. A Clip with floor 0 is a rectifier (ReLU6) and follows guided mode
    /// (not GuidedReluOnly: pytorch-grad-cam leaves ReLU6 unguided).
    /// </summary>
    private static string?[] Clip(RuleContext c, string?[] g)
    {
        c.OnlyThrough(0);
        string? min = c.HasInput(1) ? c.In(1) : null, max = c.HasInput(2) ? c.In(2) : null;
        bool floorZero = min is not null && c.Constants.TryFloats(min, out var lo) && lo.Length == 1 && lo[0] == 0f;
        if (c.Mode == GradientMode.Guided && min is not null && !floorZero && !c.Constants.TryFloats(min, out _))
            throw c.Fail("guided mode needs Clip's floor as a constant (an initializer or Constant node)");
        var pass = c.Mode == GradientMode.Guided && floorZero ? c.E.Node("Relu", [g[0]!]) : g[0]!;
        string? condition = null;
        if (min is not null)
            condition = c.E.Node("Greater", [c.In(0), min]);
        if (max is not null)
        {
            var below = c.E.Node("Less", [c.In(0), max]);
            condition = condition is null ? below : c.E.Node("And", [condition, below]);
        }
        return [condition is null ? pass : c.E.Where(condition, pass, c.E.Scalar(0f))];
    }

    /// <summary>HardSigmoid y = max(0, min(1, αx + β)): α where 0 &lt; αx + β &lt; 1 (PyTorch: -3 &lt; x &lt; 3).</summary>
    private static string?[] HardSigmoid(RuleContext c, string?[] g)
    {
        float alpha = c.Node.Float("alpha", 0.2f), beta = c.Node.Float("beta", 0.5f);
        return Unary(c, g, () =>
        {
            var t = c.E.Node("Add", [c.E.Node("Mul", [c.In(0), c.E.Scalar(alpha)]), c.E.Scalar(beta)]);
            var inside = c.E.Node("And", [c.E.Node("Greater", [t, c.E.Scalar(0f)]), c.E.Node("Less", [t, c.E.Scalar(1f)])]);
            return c.E.Where(inside, c.E.Scalar(alpha), c.E.Scalar(0f));
        });
    }

    /// <summary>HardSwish y = x·relu6(x + 3)/6: 0 below -3, 1 above 3, x/3 + 1/2 between (PyTorch hardswish_backward).</summary>
    private static string?[] HardSwish(RuleContext c, string?[] g) => Unary(c, g, () =>
    {
        var ramp = c.E.Node("Add", [c.E.Node("Mul", [c.In(0), c.E.Scalar(1f / 3f)]), c.E.Scalar(0.5f)]);
        var upper = c.E.Where(c.E.Node("Greater", [c.In(0), c.E.Scalar(3f)]), c.E.Scalar(1f), ramp);
        return c.E.Where(c.E.Node("Less", [c.In(0), c.E.Scalar(-3f)]), c.E.Scalar(0f), upper);
    });
}
