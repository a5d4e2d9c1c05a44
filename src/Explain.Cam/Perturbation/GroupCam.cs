using Explain.Imaging.Preprocessing;

namespace Explain.Cam.Perturbation;

/// <summary>
/// Group-CAM (Zhang, Rao &amp; Yang, 2021, Alg. 1, as the authors' code wofmanaf/Group-CAM
/// cam/groupcam.py computes it): the gradient-weighted activation maps w_k A^k are split into
/// G = 32 groups of consecutive channels; each group's ReLU'd sum is denoised (entries at or below
/// its 70th percentile set to 0), upsampled and min-max normalized into a mask M_g. The input is
/// blended with its blur (Gaussian, 51×51, σ = 50) as x' = x ⊙ M_g + blur(x) ⊙ (1 − M_g); the
/// group's score is p_c(x') − p_c(blur(x)) with softmax probabilities — not ReLU'd per group: the
/// authors apply ReLU once, to Σ_g score_g M_g, which normalization does here. The map lives at
/// input resolution.
/// </summary>
public sealed class GroupCam : PerturbationMethod
{
    public const int Groups = 32;

    /// <summary>The paper's denoising threshold θ: entries of a group's map at or below this percentile become 0.</summary>
    public const double DenoisePercentile = 70;

    public override string WireName => "groupcam";

    public override bool NeedsGradients => true;

    public override bool InputResolution => true;

    public override float[][] RawMaps(PerturbationContext context, bool eigenSmooth)
    {
        int[] shape = context.Input.Shape;
        int channels = shape[1], height = shape[2], width = shape[3], plane = height * width;
        var x = context.Input.Floats;
        var blurred = GaussianBlur.Apply(x, channels, height, width);
        var baseline = context.Probe.Scores(1, shape, (_, row) => blurred.CopyTo(row));
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
            float baseScore = Scalar(target, baseline);
            var map = new float[plane];
            for (int g = 0; g < groups; g++)
            {
                float s = Scalar(target, scores.AsSpan(g * classes, classes).ToArray()) - baseScore;
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(masks[g], s, map, map);
            }
            return map;
        }).ToArray();
    }

    /// <summary>
    /// The group's score: for a class target the authors' softmax probability p_c; any other target
    /// (softmax, ReST, sum, ...) is its own scalar of the raw scores, so a softmax target is p_c too.
    /// </summary>
    private static float Scalar(Targets.CamTarget target, float[] scores) =>
        target is Targets.ClassTarget ? target.Score(Softmax(scores)) : target.Score(scores);

    private static float[] Mask(float[] weighted, Methods.LayerMaps layer, int from, int to, int height, int width)
    {
        var sum = new float[layer.Positions];
        for (int k = from; k < to; k++)
            System.Numerics.Tensors.TensorPrimitives.Add(sum, weighted.AsSpan(k * layer.Positions, layer.Positions), sum);
        System.Numerics.Tensors.TensorPrimitives.Max(sum, 0f, sum);
        float threshold = Percentile(sum, DenoisePercentile);
        for (int p = 0; p < sum.Length; p++) if (!(sum[p] > threshold)) sum[p] = 0f;
        var mask = MapResize.Bilinear(sum, layer.Height, layer.Width, height, width);
        float min = mask.Min(), max = mask.Max();
        // A constant mask is skipped by the authors; all zeros here weighs it 0 the same way.
        for (int p = 0; p < mask.Length; p++) mask[p] = max > min ? (mask[p] - min) / (max - min) : 0f;
        return mask;
    }

    /// <summary>The q-th percentile with linear interpolation between order statistics (numpy.percentile's default).</summary>
    internal static float Percentile(float[] values, double q)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        double rank = q / 100 * (sorted.Length - 1);
        int lo = (int)Math.Floor(rank), hi = Math.Min(lo + 1, sorted.Length - 1);
        return (float)(sorted[lo] + (sorted[hi] - (double)sorted[lo]) * (rank - lo));
    }

    private static float[] Softmax(float[] scores)
    {
        var p = new float[scores.Length];
        System.Numerics.Tensors.TensorPrimitives.SoftMax(scores, p);
        return p;
    }
}
