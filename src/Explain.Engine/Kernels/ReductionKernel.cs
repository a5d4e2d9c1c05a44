namespace Explain.Engine.Kernels;

/// <summary>
/// Reductions over any set of axes. Every input element is mapped to its output element through
/// strides that are 0 along reduced axes, walking the input once in memory order.
/// </summary>
internal static class ReductionKernel
{
    /// <summary>For each input element, the index of the output element it reduces into.</summary>
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

    /// <summary>Σ x (or Σ x² when <paramref name="squares"/>) per output element, in double.</summary>
    public static double[] Sum(ReadOnlySpan<float> x, int[] map, int outputs, bool squares)
    {
        var acc = new double[outputs];
        for (int k = 0; k < x.Length; k++)
            acc[map[k]] += squares ? (double)x[k] * x[k] : x[k];
        return acc;
    }

    public static float[] Max(ReadOnlySpan<float> x, int[] map, int outputs)
    {
        var acc = new float[outputs];
        Array.Fill(acc, float.NegativeInfinity);
        for (int k = 0; k < x.Length; k++)
            acc[map[k]] = MathF.Max(acc[map[k]], x[k]);
        return acc;
    }
}
