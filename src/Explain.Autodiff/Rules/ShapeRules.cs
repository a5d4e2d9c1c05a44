using Explain.Autodiff.Compiler;

namespace Explain.Autodiff.Rules;

/// <summary>Data-movement ops whose gradient follows from the static shapes alone.</summary>
internal static class ShapeRules
{
    public static void Register(Dictionary<string, GradientRule> rules)
    {
        foreach (var op in new[] { "Reshape", "Flatten", "Squeeze", "Unsqueeze" })
            rules[op] = ReshapeBack;
        rules["Transpose"] = Transpose;
        rules["Concat"] = Concat;
        rules["Split"] = Split;
        rules["Expand"] = (c, g) => { c.OnlyThrough(0); return [c.ReduceTo(g[0]!, c.OutShape(0), c.InShape(0))]; };
        rules["Tile"] = Tile;
    }

    /// <summary>Reshape, Flatten, Squeeze and Unsqueeze keep the element order: reshape g back.</summary>
    private static string?[] ReshapeBack(RuleContext c, string?[] g)
    {
        c.OnlyThrough(0);
        return [c.E.ReshapeK(g[0]!, c.InShape(0))];
    }

    /// <summary>Transpose by the inverse permutation, K staying in front.</summary>
    private static string?[] Transpose(RuleContext c, string?[] g)
    {
        c.OnlyThrough(0);
        int rank = c.InShape(0).Length;
        long[] perm = c.Node.Ints("perm") ?? Enumerable.Range(0, rank).Reverse().Select(i => (long)i).ToArray();
        var inverse = new long[rank + 1];
        for (int i = 0; i < rank; i++)
            inverse[perm[i] + 1] = i + 1;
        return [c.E.Transpose(g[0]!, inverse)];
    }

    /// <summary>Concat: each input's gradient is its slice of g along the axis.</summary>
    private static string?[] Concat(RuleContext c, string?[] g)
    {
        int rank = c.OutShape(0).Length;
        long axis = RuleContext.GradAxis(c.Node.Int("axis", 0), rank);
        var result = new string?[c.Node.Input.Count];
        long start = 0;
        for (int i = 0; i < result.Length; i++)
        {
            long size = c.InShape(i)[axis - 1];
            if (c.Needs(i))
                result[i] = c.E.Node("Slice", [g[0]!, c.E.Int64s(start), c.E.Int64s(start + size), c.E.Int64s(axis)]);
            start += size;
        }
        return result;
    }

    /// <summary>Split: concatenate the outputs' gradients, zeros for outputs that carry none.</summary>
    private static string?[] Split(RuleContext c, string?[] g)
    {
        c.OnlyThrough(0);
        int rank = c.InShape(0).Length;
        long axis = RuleContext.GradAxis(c.Node.Int("axis", 0), rank);
        var parts = new string[c.Node.Output.Count];
        for (int i = 0; i < parts.Length; i++)
            parts[i] = g[i] ?? c.E.ZerosK(c.OutShape(i).Select(d => (long)d).ToArray());
        return [parts.Length == 1 ? parts[0] : c.E.Node("Concat", parts, Attributes.Of("axis", axis))];
    }

    /// <summary>Tile: view g as [K, r0, d0, r1, d1, ...] (repeats from the static shapes) and sum the repeats.</summary>
    private static string?[] Tile(RuleContext c, string?[] g)
    {
        c.OnlyThrough(0);
        int[] x = c.InShape(0), y = c.OutShape(0);
        var split = new List<long> { -1 };
        var axes = new List<long>();
        for (int i = 0; i < x.Length; i++)
        {
            axes.Add(split.Count);
            split.Add(y[i] / x[i]);
            split.Add(x[i]);
        }
        var summed = c.E.Reduce("ReduceSum", c.E.Reshape(g[0]!, split), axes, keepDims: false);
        return [summed];
    }
}
