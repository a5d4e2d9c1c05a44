namespace Explain.Cam;

/// <summary>
/// The normalization users compare against (pytorch-grad-cam 1.5 `scale_cam_image`): min-max
/// x ↦ (x − min) / (max(x − min) + 1e-7), bilinear resizing with half-pixel centres, and the
/// layer aggregation ReLU → min-max → resize per layer, mean over layers, min-max.
/// </summary>
public static class CamScaling
{
    public static float[] MinMax(ReadOnlySpan<float> map)
    {
        var result = new float[map.Length];
        if (map.Length == 0) return result;
        float min = System.Numerics.Tensors.TensorPrimitives.Min(map);
        System.Numerics.Tensors.TensorPrimitives.Subtract(map, min, result);
        float max = System.Numerics.Tensors.TensorPrimitives.Max(result);
        System.Numerics.Tensors.TensorPrimitives.Divide(result, max + 1e-7f, result);
        return result;
    }

    public static float[] Relu(ReadOnlySpan<float> map)
    {
        var result = new float[map.Length];
        System.Numerics.Tensors.TensorPrimitives.Max(map, 0f, result);
        return result;
    }

    /// <summary>Normalized map at input resolution from one layer's raw map: min-max(resize(min-max(ReLU(raw)))).</summary>
    public static float[] Normalize(ReadOnlySpan<float> raw, int height, int width, int outHeight, int outWidth) =>
        MinMax(Resize(MinMax(Relu(raw)), height, width, outHeight, outWidth));

    /// <summary>Several layers' maps: each ReLU → min-max → resize, then the mean, then min-max.</summary>
    public static float[] Aggregate(IReadOnlyList<(float[] Raw, int Height, int Width)> layers, int outHeight, int outWidth)
    {
        if (layers.Count == 1)
            return Normalize(layers[0].Raw, layers[0].Height, layers[0].Width, outHeight, outWidth);
        var sum = new float[outHeight * outWidth];
        foreach (var (raw, h, w) in layers)
            System.Numerics.Tensors.TensorPrimitives.Add(sum, Resize(MinMax(Relu(raw)), h, w, outHeight, outWidth), sum);
        System.Numerics.Tensors.TensorPrimitives.Divide(sum, layers.Count, sum);
        return MinMax(sum);
    }

    public static float[] Resize(float[] map, int height, int width, int outHeight, int outWidth) =>
        height == outHeight && width == outWidth ? map : Imaging.Preprocessing.MapResize.Bilinear(map, height, width, outHeight, outWidth);
}
