using Explain.Imaging.Preprocessing;

namespace Explain.Cam.Perturbation;

/// <summary>
/// Group-CAM (Zhang et al., 2021, Alg. 1): the gradient-weighted activation maps w_k A^k are
/// split into G = 32 groups of consecutive channels; each group's ReLU'd sum, upsampled and
/// min-max normalized, is a mask M_g. The input is blended with its blur (Gaussian, 51×51,
/// σ = 50) as x' = x ⊙ M_g + blur(x) ⊙ (1 − M_g); the group's score is
/// ReLU(p_c(x') − p_c(blur(x))) with softmax probabilities, and the map is Σ_g score_g M_g,
/// at input resolution.
/// </summary>
public sealed class GroupCam : PerturbationMethod
{
    public const int Groups = 32;

    public override string WireName => "groupcam";

    public override bool NeedsGradients => true;

    public override bool InputResolution => true;

    public override float[][] RawMaps(PerturbationContext context, bool eigenSmooth)
    {
        int[] shape = context.Input.Shape;
        int channels = shape[1], height = shape[2], width = shape[3], plane = height * width;
        var x = context.Input.Floats;
        var blurred = GaussianBlur.Apply(x, channels, height, width);
        var baseline = Softmax(context.Probe.Scores(1, shape, (_, row) => blurred.CopyTo(row)));
        return context.Targets.Select((target, t) =>
        {
            var layer = context.PerTarget[t];
            var weights = new Methods.GradCam().ChannelWeights(layer);
            var weighted = layer.Weighted(weights);
            int groups = Math.Min(Groups, layer.Channels), per = (layer.Channels + groups - 1) / groups;
            var masks = Enumerable.Range(0, groups).Select(g => Mask(weighted, layer, g * per, Math.Min(layer.Channels, (g + 1) * per), height, width)).ToArray();
            var scores = context.Probe.Scores(groups, shape, (g, row) =>
            {
                for (int c = 0; c < channels; c++)
                    for (int p = 0; p < plane; p++)
                        row[c * plane + p] = x[c * plane + p] * masks[g][p] + blurred[c * plane + p] * (1 - masks[g][p]);
            });
            int classes = scores.Length / groups;
            float baseScore = target.Score(baseline);
            var map = new float[plane];
            for (int g = 0; g < groups; g++)
            {
                float s = MathF.Max(target.Score(Softmax(scores.AsSpan(g * classes, classes).ToArray())) - baseScore, 0f);
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(masks[g], s, map, map);
            }
            return map;
        }).ToArray();
    }

    private static float[] Mask(float[] weighted, Methods.LayerMaps layer, int from, int to, int height, int width)
    {
        var sum = new float[layer.Positions];
        for (int k = from; k < to; k++)
            System.Numerics.Tensors.TensorPrimitives.Add(sum, weighted.AsSpan(k * layer.Positions, layer.Positions), sum);
        System.Numerics.Tensors.TensorPrimitives.Max(sum, 0f, sum);
        var mask = MapResize.Bilinear(sum, layer.Height, layer.Width, height, width);
        float min = mask.Min(), max = mask.Max();
        for (int p = 0; p < mask.Length; p++) mask[p] = max > min ? (mask[p] - min) / (max - min) : 0f;
        return mask;
    }

    private static float[] Softmax(float[] scores)
    {
        var p = new float[scores.Length];
        System.Numerics.Tensors.TensorPrimitives.SoftMax(scores, p);
        return p;
    }
}
