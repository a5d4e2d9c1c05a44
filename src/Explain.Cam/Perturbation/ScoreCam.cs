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
        var (distinct, copyOf) = Distinct(layer, chosen);
        var input = context.Input.Floats;
        var scores = context.Probe.Scores(distinct.Length, inShape, (i, row) =>
        {
            var mask = MapResize.BilinearAlignCorners(layer.A(distinct[i]).ToArray(), layer.Height, layer.Width, height, width);
            float min = mask.Min(), max = mask.Max();
            for (int p = 0; p < plane; p++) mask[p] = (mask[p] - min) / (max - min + 1e-8f);
            for (int c = 0; c < channels; c++)
                System.Numerics.Tensors.TensorPrimitives.Multiply(input.AsSpan(c * plane, plane), mask, row.Slice(c * plane, plane));
        });
        int classes = scores.Length / distinct.Length;
        var weights = context.Targets.Select(target =>
        {
            var s = chosen.Select((_, i) => target.Score(scores.AsSpan(copyOf[i] * classes, classes))).ToArray();
            var soft = new float[s.Length];
            System.Numerics.Tensors.TensorPrimitives.SoftMax(s, soft);
            var w = new float[layer.Channels];
            for (int i = 0; i < chosen.Length; i++) w[chosen[i]] = soft[i];
            return w;
        }).ToArray();
        return Maps(context, weights, eigenSmooth);
    }

    /// <summary>
    /// The chosen channels whose activation maps differ bit for bit, and for each chosen channel the
    /// index of its map among them. Channels with the same map make the same masked input, hence the
    /// same score, so each such input runs once (exact: the softmax still counts every channel). A
    /// ReLU layer's all-zero channels are the common case (102 of the benchmark ResNet-50's 2048 at
    /// layer4; bench/RESULTS.md).
    /// </summary>
    internal static (int[] Distinct, int[] CopyOf) Distinct(Methods.LayerMaps layer, int[] chosen)
    {
        var distinct = new List<int>();
        var copyOf = new int[chosen.Length];
        var byHash = new Dictionary<int, List<int>>();
        for (int i = 0; i < chosen.Length; i++)
        {
            var bits = System.Runtime.InteropServices.MemoryMarshal.Cast<float, int>(layer.A(chosen[i]));
            var hash = new HashCode();
            hash.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(bits));
            int key = hash.ToHashCode();
            if (!byHash.TryGetValue(key, out var same))
                byHash[key] = same = [];
            int found = -1;
            for (int j = 0; j < same.Count && found < 0; j++)
                if (System.Runtime.InteropServices.MemoryMarshal.Cast<float, int>(layer.A(distinct[same[j]])).SequenceEqual(bits))
                    found = j;
            if (found < 0)
            {
                same.Add(distinct.Count);
                copyOf[i] = distinct.Count;
                distinct.Add(chosen[i]);
            }
            else
                copyOf[i] = same[found];
        }
        return (distinct.ToArray(), copyOf);
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
