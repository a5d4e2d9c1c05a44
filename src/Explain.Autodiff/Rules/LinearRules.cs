using Explain.Autodiff.Compiler;

namespace Explain.Autodiff.Rules;

/// <summary>Gemm and MatMul: the gradient of a product is the product with the other factor transposed.</summary>
internal static class LinearRules
{
    public static void Register(Dictionary<string, GradientRule> rules)
    {
        rules["MatMul"] = MatMul;
        rules["Gemm"] = Gemm;
    }

    /// <summary>
    /// Y = A·B over the last two axes with broadcast batch axes (numpy matmul): dA = g·Bᵀ,
    /// dB = Aᵀ·g, each summed back over broadcast batch axes.
    /// </summary>
    private static string?[] MatMul(RuleContext c, string?[] g)
    {
        int[] a = c.InShape(0), b = c.InShape(1), y = c.OutShape(0);
        if (a.Length < 2 || b.Length < 2)
            throw c.Fail("1-D MatMul operands are not supported");
        var result = new string?[2];
        if (c.Needs(0))
        {
            var product = c.E.Node("MatMul", [g[0]!, c.E.Transpose(c.In(1), SwapLast(b.Length))]);
            result[0] = c.ReduceTo(product, [.. y[..^2], a[^2], a[^1]], a);
        }
        if (c.Needs(1))
        {
            var product = c.E.Node("MatMul", [c.E.Transpose(c.In(0), SwapLast(a.Length)), g[0]!]);
            result[1] = c.ReduceTo(product, [.. y[..^2], b[^2], b[^1]], b);
        }
        return result;
    }

    /// <summary>
    /// Y = α·A'·B' + β·C with A' = transA ? Aᵀ : A (ONNX Gemm): dA' = α·g·B'ᵀ, dB' = α·A'ᵀ·g, dC = β·g
    /// summed over broadcast axes. The gradients carry K in front, so transposes swap axes 1 and 2.
    /// </summary>
    private static string?[] Gemm(RuleContext c, string?[] g)
    {
        float alpha = c.Node.Float("alpha", 1f), beta = c.Node.Float("beta", 1f);
        bool transA = c.Node.Int("transA", 0) != 0, transB = c.Node.Int("transB", 0) != 0;
        var gy = alpha == 1f ? g[0]! : c.E.Node("Mul", [g[0]!, c.E.Scalar(alpha)]);
        var result = new string?[c.Node.Input.Count];
        if (c.Needs(0))
        {
            // B'ᵀ is B itself when transB, else Bᵀ.
            var bt = transB ? c.In(1) : c.E.Transpose(c.In(1), [1, 0]);
            var da = c.E.Node("MatMul", [gy, bt]);
            result[0] = transA ? c.E.Transpose(da, [0, 2, 1]) : da;
        }
        if (c.Needs(1))
        {
            var at = transA ? c.In(0) : c.E.Transpose(c.In(0), [1, 0]);
            var db = c.E.Node("MatMul", [at, gy]);
            result[1] = transB ? c.E.Transpose(db, [0, 2, 1]) : db;
        }
        if (c.Needs(2))
        {
            var gc = beta == 1f ? g[0]! : c.E.Node("Mul", [g[0]!, c.E.Scalar(beta)]);
            result[2] = c.ReduceTo(gc, c.OutShape(0), c.InShape(2));
        }
        return result;
    }

    private static long[] SwapLast(int rank)
    {
        var perm = Enumerable.Range(0, rank).Select(i => (long)i).ToArray();
        (perm[^1], perm[^2]) = (perm[^2], perm[^1]);
        return perm;
    }
}
