using Explain.Engine.Tensors;

namespace Explain.Engine.Tests.Fixtures;

/// <summary>‖actual − expected‖₂ / ‖expected‖₂, accumulated in double.</summary>
public static class RelativeError
{
    public static double L2(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        if (actual.Length != expected.Length)
            throw new ArgumentException($"{actual.Length} values vs {expected.Length} expected");
        double diff = 0, norm = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = (double)actual[i] - expected[i];
            diff += d * d;
            norm += (double)expected[i] * expected[i];
        }
        return norm == 0 ? Math.Sqrt(diff) : Math.Sqrt(diff / norm);
    }

    /// <summary>Row <paramref name="row"/> of a tensor whose first dimension is a batch.</summary>
    public static ReadOnlySpan<float> Row(Tensor t, int row)
    {
        int size = t.Length / t.Shape[0];
        return t.Floats.AsSpan(row * size, size);
    }
}
