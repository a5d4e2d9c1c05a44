using Explain.Imaging.Preprocessing;

namespace Explain.Cam.Perturbation;

/// <summary>
/// The masks of TorchCAM's Score-CAM family (torchcam/methods/activation.py ScoreCAM._get_weights at
/// frgfm/torch-cam f44afef): each channel min-max normalized at the layer's resolution
/// ((A − min) / (max − min + 1e-8), core.py _normalize), then upsampled bilinearly with
/// align_corners = false — the reverse order and corner convention of pytorch-grad-cam's Score-CAM
/// (<see cref="ScoreCam"/>). The weights are softmax over the scored channels of a per-channel score
/// (TorchCAM subtracts the clean input's logit first, which a softmax ignores).
/// </summary>
internal static class TorchCamMasks
{
    public const float Epsilon = 1e-8f;

    /// <summary>Channel <paramref name="k"/>'s mask at input resolution.</summary>
    public static float[] Mask(Methods.LayerMaps layer, int k, int height, int width)
    {
        var a = layer.A(k).ToArray();
        float min = a.Min();
        for (int p = 0; p < a.Length; p++) a[p] -= min;
        float max = a.Max();
        for (int p = 0; p < a.Length; p++) a[p] /= max + Epsilon;
        return MapResize.Bilinear(a, layer.Height, layer.Width, height, width);
    }

    /// <summary>Per target: softmax over the chosen channels of their mean score over <paramref name="samples"/> rows each (row = sample · chosen + i); unchosen channels weigh 0.</summary>
    public static float[][] Weights(PerturbationContext context, int[] chosen, int samples, float[] scores)
    {
        int rows = samples * chosen.Length, classes = scores.Length / rows;
        return context.Targets.Select(target =>
        {
            var mean = new float[chosen.Length];
            for (int i = 0; i < chosen.Length; i++)
            {
                double sum = 0;
                for (int s = 0; s < samples; s++)
                    sum += target.Score(scores.AsSpan((s * chosen.Length + i) * classes, classes));
                mean[i] = (float)(sum / samples);
            }
            var soft = new float[mean.Length];
            System.Numerics.Tensors.TensorPrimitives.SoftMax(mean, soft);
            var w = new float[context.Layer.Channels];
            for (int i = 0; i < chosen.Length; i++) w[chosen[i]] = soft[i];
            return w;
        }).ToArray();
    }

    /// <summary>row = mask ⊙ x, the one-plane mask broadcast over the input's channels, times <paramref name="scale"/>.</summary>
    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> mask, float scale, int channels, Span<float> row)
    {
        int plane = mask.Length;
        for (int c = 0; c < channels; c++)
        {
            var src = x.Slice(c * plane, plane);
            var dst = row.Slice(c * plane, plane);
            for (int p = 0; p < plane; p++) dst[p] = scale * (mask[p] * src[p]);
        }
    }
}
