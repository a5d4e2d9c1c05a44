using Explain.Cam.Pipeline;

namespace Explain.Cam.Attribution;

/// <summary>
/// CAM (Zhou et al., CVPR 2016, eq. 2): M_c(x, y) = Σ_k w^c_k f_k(x, y), with w^c the classifier's
/// weights of class c over the channels k its global average pooling receives. The weights are read
/// from the graph (<see cref="ClassifierHead"/>), so the layer must feed GAP → FC directly. No
/// gradient is computed: for such a head w^c_k · (1/Z) equals Grad-CAM's weight, and CAM differs only
/// by that constant factor.
/// </summary>
public sealed class ClassActivationMap : AttributionMethod
{
    public override string WireName => "cam";

    public override MethodNeeds Needs => MethodNeeds.Activations | MethodNeeds.HeadWeights;

    public override IReadOnlyList<RawMap> RawMaps(SharedPasses passes)
    {
        var heads = passes.Layers.Select(layer => ClassifierHead.Find(passes.Graph, layer, passes.ScoresOutput)).ToList();
        return passes.Targets.Select(target =>
        {
            int c = target.ClassIndex ?? throw new ArgumentException($"cam explains a class; target '{target.Name}' has none");
            // A counterfactual explains −y_c: its weights are negated.
            float sign = target.Score(OneHot(heads[0].Classes, c)) < 0 ? -1f : 1f;
            return RawMap.OfLayers(passes.LayerViews.Select((view, l) =>
            {
                var layer = view.Layer;
                if (heads[l].Channels != layer.Channels)
                    throw new ArgumentException($"cam: the head reads {heads[l].Channels} channels, layer '{passes.Layers[l]}' has {layer.Channels}");
                var weights = new float[layer.Channels];
                for (int k = 0; k < weights.Length; k++)
                    weights[k] = sign * heads[l].Weight(c, k);
                return new RawMap(Methods.CamMethod.Combine(layer.Weighted(weights), layer, passes.Options.EigenSmooth), [layer.Height, layer.Width]);
            }).ToList());
        }).ToList();
    }

    private static float[] OneHot(int classes, int c)
    {
        var scores = new float[classes];
        scores[c] = 1f;
        return scores;
    }
}
