namespace Explain.Engine.Kernels;

/// <summary>
/// Reductions over any set of axes. Every input element is mapped to its output element through
/// strides that are 0 along reduced axes, walking the input once in memory order.
/// </summary>
internal static class ReductionKernel
{
    /// <summary>For each input element, the index of the output element it reduces into (the plan, built once per forward).</summary>
    public static int[] OutputIndex(int[] shape, bool[] reduced)
    {
        int rank = shape.Length;
        var strides = new int[rank];
        for (int d = rank - 1, s = 1; d >= 0; d--)
        {
            strides[d] = reduced[d] ? 0 : s;
            s *= reduced[d] ? 1 : shape[d];
        }
        int length = 1;
        foreach (int d in shape)
            length *= d;
        var map = new int[length];
        var counter = new int[rank];
        int offset = 0;
        for (int k = 0; k < length; k++)
        {
            map[k] = offset;
            for (int d = rank - 1; d >= 0; d--)
            {
                offset += strides[d];
                if (++counter[d] < shape[d])
                    break;
                offset -= strides[d] * shape[d];
                counter[d] = 0;
            }
        }
        return map;
    }

    /// <summary>Σ x (or Σ x² when <paramref name="squares"/>) per output element, accumulated in double.</summary>
    public static void Sum(ReadOnlySpan<float> x, ReadOnlySpan<int> map, Span<double> sums, bool squares)
    {
        sums.Clear();
        for (int k = 0; k < x.Length; k++)
            sums[map[k]] += squares ? (double)x[k] * x[k] : x[k];
    }

    public static void Max(ReadOnlySpan<float> x, ReadOnlySpan<int> map, Span<float> max)
    {
        max.Fill(float.NegativeInfinity);
        for (int k = 0; k < x.Length; k++)
            max[map[k]] = MathF.Max(max[map[k]], x[k]);
    }
}
