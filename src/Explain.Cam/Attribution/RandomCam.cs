using Explain.Cam.Pipeline;

namespace Explain.Cam.Attribution;

/// <summary>
/// RandomCAM (pytorch-grad-cam's sanity baseline; Adebayo et al., NeurIPS 2018 motivate such
/// checks): Σ_k w_k A^k with w_k ~ U(−1, 1) drawn per target and layer from the explanation's
/// seed, so the same seed gives the same map. A method that cannot beat it on a metric is not
/// explaining anything.
/// </summary>
public sealed class RandomCam : AttributionMethod
{
    public override string WireName => "randomcam";

    public override MethodNeeds Needs => MethodNeeds.Activations;

    public override IReadOnlyList<RawMap> RawMaps(SharedPasses passes) =>
        passes.Targets.Select((target, t) => RawMap.OfLayers(passes.LayerViews.Select((view, l) =>
        {
            var layer = view.Layer;
            var noise = new SeededNoise(passes.Options.Seed, $"randomcam/{t}/{l}");
            var weights = new float[layer.Channels];
            for (int k = 0; k < weights.Length; k++)
                weights[k] = noise.Uniform(-1f, 1f);
            return new RawMap(Methods.CamMethod.Combine(layer.Weighted(weights), layer, passes.Options.EigenSmooth), [layer.Height, layer.Width]);
        }).ToList())).ToList();
}
