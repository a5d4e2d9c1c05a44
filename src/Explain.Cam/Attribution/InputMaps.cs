using Explain.Engine.Tensors;

namespace Explain.Cam.Attribution;

/// <summary>Small shared steps of the input-space methods: rows of a [K, C, H, W] tensor, channel reductions, rendering.</summary>
internal static class InputMaps
{
    /// <summary>Row t of [K, ...] as its own array, for each t.</summary>
    public static IEnumerable<float[]> PerTarget(Tensor rows)
    {
        int size = rows.Length / rows.Shape[0];
        for (int t = 0; t < rows.Shape[0]; t++)
            yield return rows.Floats.AsSpan(t * size, size).ToArray();
    }

    /// <summary>Σ_c x_c over the channels of a [C, H·W] array.</summary>
    public static float[] ChannelSum(ReadOnlySpan<float> values, int channels)
    {
        int plane = values.Length / channels;
        var sum = new float[plane];
        for (int c = 0; c < channels; c++)
            System.Numerics.Tensors.TensorPrimitives.Add(sum, values.Slice(c * plane, plane), sum);
        return sum;
    }

    /// <summary>max_c |x_c| over the channels of a [C, H·W] array.</summary>
    public static float[] ChannelMaxAbs(ReadOnlySpan<float> values, int channels)
    {
        int plane = values.Length / channels;
        var max = new float[plane];
        for (int c = 0; c < channels; c++)
            for (int p = 0; p < plane; p++)
                max[p] = MathF.Max(max[p], MathF.Abs(values[c * plane + p]));
        return max;
    }

    /// <summary>pytorch-grad-cam's deprocess_image: standardize, ×0.1, +0.5, clip to [0, 1].</summary>
    public static float[] Deprocess(float[] x)
    {
        double mean = x.Average();
        double std = Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / x.Length);
        return x.Select(v => (float)Math.Clamp((v - mean) / (std + 1e-5) * 0.1 + 0.5, 0, 1)).ToArray();
    }
}
