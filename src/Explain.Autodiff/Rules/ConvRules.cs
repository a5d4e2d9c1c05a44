using Explain.Autodiff.Compiler;

namespace Explain.Autodiff.Rules;

/// <summary>
/// Conv: the input gradient is the transposed convolution of g with the same weights
/// (ConvTranspose is Conv's adjoint; its weight layout [C_in_of_transpose = M, C/group, k...] is
/// Conv's [M, C/group, k...]). K seeds ride in the batch axis: [K, N, M, ...] -> [K·N, M, ...].
/// </summary>
internal static class ConvRules
{
    public static void Register(Dictionary<string, GradientRule> rules) => rules["Conv"] = Conv;

    private static string?[] Conv(RuleContext c, string?[] g)
    {
        c.OnlyThrough(0);
        int[] x = c.InShape(0), y = c.OutShape(0), w = c.InShape(1);
        long[] kernel = c.Node.Ints("kernel_shape") ?? w[2..].Select(d => (long)d).ToArray();
        var geometry = WindowGeometry.From(c, kernel);
        var batched = c.E.Reshape(g[0]!, [-1L, .. y[1..].Select(d => (long)d)]);
        var dx = c.E.Node("ConvTranspose", [batched, c.In(1)], [.. geometry.Transposed(c.Node.Int("group", 1))]);
        return [c.E.ReshapeK(dx, x)];
    }
}
