namespace Explain.Imaging.Tests;

/// <summary>Pixel and tensor comparisons that report where and by how much they differ.</summary>
internal static class ImageAssert
{
    /// <summary>Largest per-channel difference between two RGB8 buffers of equal size.</summary>
    public static int MaxDifference(ReadOnlySpan<byte> actual, ReadOnlySpan<byte> expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        int max = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            max = Math.Max(max, Math.Abs(actual[i] - expected[i]));
        }

        return max;
    }

    public static double MeanDifference(ReadOnlySpan<byte> actual, ReadOnlySpan<byte> expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        long sum = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            sum += Math.Abs(actual[i] - expected[i]);
        }

        return (double)sum / actual.Length;
    }

    public static void Equal(RgbImage actual, int width, int height, byte[] expected)
    {
        Assert.Equal((width, height), (actual.Width, actual.Height));
        int first = actual.Pixels.AsSpan().CommonPrefixLength(expected);
        if (first < expected.Length)
        {
            int pixel = first / 3;
            Assert.Fail($"First difference at x={pixel % width}, y={pixel / width}, channel {first % 3}: " +
                $"got {actual.Pixels[first]}, expected {expected[first]}; max difference {MaxDifference(actual.Pixels, expected)}.");
        }
    }

    /// <summary>Largest absolute difference between two float arrays of equal length.</summary>
    public static double MaxAbsError(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        double max = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            max = Math.Max(max, Math.Abs((double)actual[i] - expected[i]));
        }

        return max;
    }
}
