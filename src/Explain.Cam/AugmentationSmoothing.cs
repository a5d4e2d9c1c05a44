using Explain.Engine.Tensors;

namespace Explain.Cam;

/// <summary>
/// Test-time augmentation smoothing (pytorch-grad-cam's aug_smooth with ttach): the explanation of
/// each of horizontal flip × intensity {0.9, 1.0, 1.1}; normalized maps are flipped back and averaged.
/// Raw maps and predictions are those of the unaugmented input.
/// </summary>
internal static class AugmentationSmoothing
{
    private static readonly float[] Intensities = [0.9f, 1.0f, 1.1f];

    public static Explanation Explain(Explainer explainer, Tensor input, ExplainOptions options)
    {
        var plain = options with { AugSmooth = false, Metrics = false };
        var reference = explainer.ExplainOnce(input, plain);
        var sums = reference.Maps.Select(m => new float[m.Map.Length]).ToArray();
        int count = 0;
        foreach (bool flip in new[] { false, true })
            foreach (float intensity in Intensities)
            {
                var augmented = Augment(input, flip, intensity);
                var maps = flip || intensity != 1f ? explainer.ExplainOnce(augmented, plain).Maps : reference.Maps;
                for (int i = 0; i < maps.Count; i++)
                {
                    var map = flip ? Flip(maps[i].Map, maps[i].MapShape) : maps[i].Map;
                    System.Numerics.Tensors.TensorPrimitives.Add(sums[i], map, sums[i]);
                }
                count++;
            }
        var averaged = reference.Maps.Select((m, i) =>
        {
            System.Numerics.Tensors.TensorPrimitives.Divide(sums[i], count, sums[i]);
            return m with { Map = sums[i] };
        }).ToList();
        return reference with { Maps = averaged };
    }

    private static Tensor Augment(Tensor input, bool flip, float intensity)
    {
        var result = Tensor.Create(input.Shape);
        System.Numerics.Tensors.TensorPrimitives.Multiply(input.Floats, intensity, result.Floats);
        return flip ? Tensor.FromArray(Flip(result.Floats, input.Shape[1..]), input.Shape) : result;
    }

    /// <summary>Mirrors the last dimension of a [..., H, W] array.</summary>
    private static float[] Flip(float[] data, int[] shape)
    {
        int width = shape[^1];
        var result = new float[data.Length];
        for (int row = 0; row < data.Length / width; row++)
            for (int x = 0; x < width; x++)
                result[row * width + x] = data[row * width + width - 1 - x];
        return result;
    }
}
