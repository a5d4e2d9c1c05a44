using Explain.Autodiff.Compiler;

namespace Explain.Autodiff.Rules;

/// <summary>Normalizations, softmax and mean/sum reductions.</summary>
internal static class NormalizationRules
{
    public static void Register(Dictionary<string, GradientRule> rules)
    {
        rules["BatchNormalization"] = BatchNormalization;
        rules["LayerNormalization"] = LayerNormalization;
        rules["Softmax"] = (c, g) => Softmax(c, g, log: false);
        rules["LogSoftmax"] = (c, g) => Softmax(c, g, log: true);
        rules["ReduceMean"] = (c, g) => Reduce(c, g, mean: true);
        rules["ReduceSum"] = (c, g) => Reduce(c, g, mean: false);
    }

    /// <summary>Inference BatchNormalization is per-channel affine: dx = g · scale / sqrt(var + ε).</summary>
    private static string?[] BatchNormalization(RuleContext c, string?[] g)
    {
        c.OnlyThrough(0);
        if (c.Node.Int("training_mode", 0) != 0)
            throw c.Fail("training_mode 1 (batch statistics) is not supported");
        int[] x = c.InShape(0);
        var eps = c.E.Scalar(c.Node.Float("epsilon", 1e-5f));
        var factor = c.E.Node("Div", [c.In(1), c.E.Node("Sqrt", [c.E.Node("Add", [c.In(4), eps])])]);
        var perChannel = c.E.Reshape(factor, [x[1], .. Enumerable.Repeat(1L, x.Length - 2)]);
        return [c.E.Node("Mul", [g[0]!, perChannel])];
    }

    /// <summary>
    /// LayerNormalization over axes [axis, rank): with x̂ = (x - μ)·r, r = 1/sqrt(σ² + ε) and
    /// h = g·scale, dx = r·(h - mean(h) - x̂·mean(h·x̂)) (the standard layer-norm backward,
    /// Ba et al. 2016). μ and r are recomputed from x in the forward part.
    /// </summary>
    private static string?[] LayerNormalization(RuleContext c, string?[] g)
    {
        c.OnlyThrough(0);
        int[] x = c.InShape(0);
        long axis = c.Node.Int("axis", -1);
        if (axis < 0) axis += x.Length;
        var axes = Enumerable.Range((int)axis, x.Length - (int)axis).Select(a => (long)a).ToArray();
        var gradAxes = axes.Select(a => a + 1).ToArray();
        var e = c.E;
        var centered = e.Node("Sub", [c.In(0), e.Reduce("ReduceMean", c.In(0), axes, keepDims: true)]);
        var variance = e.Reduce("ReduceMean", e.Node("Mul", [centered, centered]), axes, keepDims: true);
        var rstd = e.Node("Reciprocal", [e.Node("Sqrt", [e.Node("Add", [variance, e.Scalar(c.Node.Float("epsilon", 1e-5f))])])]);
        var normalized = e.Node("Mul", [centered, rstd]);
        var h = e.Node("Mul", [g[0]!, c.In(1)]);
        var meanH = e.Reduce("ReduceMean", h, gradAxes, keepDims: true);
        var meanHX = e.Reduce("ReduceMean", e.Node("Mul", [h, normalized]), gradAxes, keepDims: true);
        var inner = e.Node("Sub", [e.Node("Sub", [h, meanH]), e.Node("Mul", [normalized, meanHX])]);
        return [e.Node("Mul", [inner, rstd])];
    }

    /// <summary>
    /// Softmax: dx = y·(g - Σ g·y); LogSoftmax: dx = g - exp(y)·Σ g, the sums over the softmax
    /// axes: one axis from opset 13, before it every axis from `axis` on (the 2-D coercion).
    /// </summary>
    private static string?[] Softmax(RuleContext c, string?[] g, bool log)
    {
        c.OnlyThrough(0);
        int rank = c.InShape(0).Length;
        long axis = c.Node.Int("axis", c.Opset >= 13 ? -1 : 1);
        if (axis < 0) axis += rank;
        IEnumerable<long> forwardAxes = c.Opset >= 13 ? [axis] : Enumerable.Range((int)axis, rank - (int)axis).Select(a => (long)a);
        var axes = forwardAxes.Select(a => a + 1).ToArray();
        var e = c.E;
        if (log)
        {
            var total = e.Reduce("ReduceSum", g[0]!, axes, keepDims: true);
            return [e.Node("Sub", [g[0]!, e.Node("Mul", [e.Node("Exp", [c.Out(0)]), total])])];
        }
        var dot = e.Reduce("ReduceSum", e.Node("Mul", [g[0]!, c.Out(0)]), axes, keepDims: true);
        return [e.Node("Mul", [c.Out(0), e.Node("Sub", [g[0]!, dot])])];
    }

    /// <summary>ReduceMean/ReduceSum: g broadcast back over the reduced axes (÷ their size for the mean).</summary>
    private static string?[] Reduce(RuleContext c, string?[] g, bool mean)
    {
        c.OnlyThrough(0);
        int[] x = c.InShape(0);
        long[]? axes = c.Node.Ints("axes");
        if (axes is null && c.HasInput(1))
            axes = c.Constants.TryInt64s(c.In(1), out var a) ? a : throw c.Fail("the axes input must be a constant");
        if (axes is null || axes.Length == 0)
        {
            if (c.Node.Int("noop_with_empty_axes", 0) != 0)
                return [g[0]];
            axes = Enumerable.Range(0, x.Length).Select(v => (long)v).ToArray();
        }
        var reduced = axes.Select(a => a < 0 ? a + x.Length : a).ToHashSet();
        var kept = x.Select((d, i) => reduced.Contains(i) ? 1L : d).ToArray();
        var e = c.E;
        var shaped = e.Reshape(g[0]!, [-1L, .. kept]);
        if (mean)
            shaped = e.Node("Mul", [shaped, e.Scalar(1f / reduced.Aggregate(1L, (p, i) => p * x[i]))]);
        return [e.Node("Expand", [shaped, e.Shape([1L, .. x.Select(d => (long)d)])])];
    }
}
