using Explain.Imaging.Preprocessing;

namespace Explain.Cam.Perturbation;

/// <summary>
/// Score-CAM (Wang et al., CVPR-W 2020, eq. 4–8): each activation map, upsampled (bilinear,
/// align_corners = true) and min-max normalized (+1e-8), masks the input; the target's score on
/// the masked input, softmaxed over channels, is the channel's weight. Optionally only the N
/// channels of largest variance take part (Faster Score-CAM); the others weigh 0.
/// </summary>
public sealed class ScoreCam : PerturbationMethod
{
    public override string WireName => "scorecam";

    public override float[][] RawMaps(PerturbationContext context, bool eigenSmooth)
    {
        var layer = context.Layer;
        int[] inShape = context.Input.Shape;
        int channels = inShape[1], height = inShape[2], width = inShape[3], plane = height * width;
        int[] chosen = Channels(context);
        var input = context.Input.Floats;
        var scores = context.Probe.Scores(chosen.Length, inShape, (i, row) =>
        {
            var mask = MapResize.BilinearAlignCorners(layer.A(chosen[i]).ToArray(), layer.Height, layer.Width, height, width);
            float min = mask.Min(), max = mask.Max();
            for (int p = 0; p < plane; p++) mask[p] = (mask[p] - min) / (max - min + 1e-8f);
            for (int c = 0; c < channels; c++)
                System.Numerics.Tensors.TensorPrimitives.Multiply(input.AsSpan(c * plane, plane), mask, row.Slice(c * plane, plane));
        });
        int classes = scores.Length / chosen.Length;
        var weights = context.Targets.Select(target =>
        {
            var s = chosen.Select((_, i) => target.Score(scores.AsSpan(i * classes, classes))).ToArray();
            var soft = new float[s.Length];
            System.Numerics.Tensors.TensorPrimitives.SoftMax(s, soft);
            var w = new float[layer.Channels];
            for (int i = 0; i < chosen.Length; i++) w[chosen[i]] = soft[i];
            return w;
        }).ToArray();
        return Maps(context, weights, eigenSmooth);
    }

    /// <summary>The channels scored: all, or the <see cref="PerturbationContext.ChannelLimit"/> of largest activation variance, in channel order.</summary>
    internal static int[] Channels(PerturbationContext context)
    {
        var layer = context.Layer;
        var all = Enumerable.Range(0, layer.Channels);
        if (context.ChannelLimit <= 0 || context.ChannelLimit >= layer.Channels)
            return all.ToArray();
        return all.OrderByDescending(k =>
        {
            var a = layer.A(k);
            float mean = System.Numerics.Tensors.TensorPrimitives.Sum(a) / a.Length;
            double v = 0;
            foreach (float x in a) v += (x - mean) * (x - mean);
            return v;
        }).Take(context.ChannelLimit).Order().ToArray();
    }
}
