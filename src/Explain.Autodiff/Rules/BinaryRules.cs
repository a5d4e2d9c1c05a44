using Explain.Autodiff.Compiler;

namespace Explain.Autodiff.Rules;

/// <summary>
/// Broadcasting element-wise ops: each input's gradient is the local product summed back over
/// the axes it was broadcast along (RuleContext.ReduceTo).
/// </summary>
internal static class BinaryRules
{
    public static void Register(Dictionary<string, GradientRule> rules)
    {
        rules["Add"] = (c, g) => Each(c, i => g[0]!);
        rules["Sub"] = (c, g) => Each(c, i => i == 0 ? g[0]! : c.E.Node("Neg", [g[0]!]));
        rules["Mul"] = (c, g) => Each(c, i => c.E.Node("Mul", [g[0]!, c.In(1 - i)]));
        // d(a/b)/da = 1/b; d(a/b)/db = -a/b^2 = -y/b
        rules["Div"] = (c, g) => Each(c, i => i == 0
            ? c.E.Node("Div", [g[0]!, c.In(1)])
            : c.E.Node("Neg", [c.E.Node("Mul", [g[0]!, c.E.Node("Div", [c.Out(0), c.In(1)])])]));
        rules["Pow"] = Pow;
    }

    private static string?[] Each(RuleContext c, Func<int, string> local)
    {
        var result = new string?[c.Node.Input.Count];
        var outShape = c.OutShape(0);
        for (int i = 0; i < result.Length; i++)
            if (c.Needs(i))
                result[i] = c.ReduceTo(local(i), outShape, c.InShape(i));
        return result;
    }

    /// <summary>d(x^e)/dx = e·x^(e-1); d(x^e)/de = y·ln x. The exponent is cast to float (it may be an integer tensor).</summary>
    private static string?[] Pow(RuleContext c, string?[] g) => Each(c, i =>
    {
        var e = c.Needs(1) ? c.In(1) : c.E.Node("Cast", [c.In(1)], Attributes.Of("to", (long)ElementTypes.Float));
        if (i == 1)
            return c.E.Node("Mul", [g[0]!, c.E.Node("Mul", [c.Out(0), c.E.Node("Log", [c.In(0)])])]);
        var local = c.E.Node("Mul", [e, c.E.Node("Pow", [c.In(0), c.E.Node("Sub", [e, c.E.Scalar(1f)])])]);
        return c.E.Node("Mul", [g[0]!, local]);
    });
}
