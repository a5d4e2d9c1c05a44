using System.Runtime.Intrinsics;

namespace Explain.Engine.Kernels;

/// <summary>
/// Gradient through y = clamp(x, min, max) read from the saved output: r = g where min &lt; y &lt; max,
/// else 0; guided mode also zeroes g ≤ 0 (Springenberg et al., 2015).
/// </summary>
public static class ClampGradient
{
    public static void Apply(ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> result, float min, float max, bool guided)
    {
        if (g.Length != y.Length || result.Length != y.Length)
            throw new ArgumentException("output, gradient and result lengths differ");
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var (lo, hi) = (Vector512.Create(min), Vector512.Create(max));
            for (; i <= y.Length - 16; i += 16)
            {
                var v = Vector512.Create(y.Slice(i, 16));
                var d = Vector512.Create(g.Slice(i, 16));
                var pass = Vector512.GreaterThan(v, lo) & Vector512.LessThan(v, hi);
                if (guided)
                    pass &= Vector512.GreaterThan(d, Vector512<float>.Zero);
                (d & pass).CopyTo(result.Slice(i, 16));
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var (lo, hi) = (Vector256.Create(min), Vector256.Create(max));
            for (; i <= y.Length - 8; i += 8)
            {
                var v = Vector256.Create(y.Slice(i, 8));
                var d = Vector256.Create(g.Slice(i, 8));
                var pass = Vector256.GreaterThan(v, lo) & Vector256.LessThan(v, hi);
                if (guided)
                    pass &= Vector256.GreaterThan(d, Vector256<float>.Zero);
                (d & pass).CopyTo(result.Slice(i, 8));
            }
        }
        for (; i < y.Length; i++)
        {
            float v = y[i], d = g[i];
            result[i] = v > min && v < max && (!guided || d > 0f) ? d : 0f;
        }
    }
}
