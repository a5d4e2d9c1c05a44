namespace Explain.Cam.Tests.Support;

/// <summary>Distances between a map and its reference, accumulated in double.</summary>
public static class MapError
{
    /// <summary>‖actual − expected‖₂ / ‖expected‖₂ (the plain norm of the difference when the reference is zero).</summary>
    public static double RelativeL2(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        double diff = 0, norm = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = (double)actual[i] - expected[i];
            diff += d * d;
            norm += (double)expected[i] * expected[i];
        }
        return norm == 0 ? Math.Sqrt(diff) : Math.Sqrt(diff / norm);
    }

    public static double MaxAbs(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        double max = 0;
        for (int i = 0; i < expected.Length; i++)
            max = Math.Max(max, Math.Abs((double)actual[i] - expected[i]));
        return max;
    }

    public static float[] Negated(float[] map) => map.Select(v => -v).ToArray();

    public static bool AllFinite(ReadOnlySpan<float> map)
    {
        foreach (float v in map)
            if (!float.IsFinite(v))
                return false;
        return true;
    }
}
