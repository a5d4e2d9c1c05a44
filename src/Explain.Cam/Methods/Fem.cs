using Explain.Cam.Pipeline;

namespace Explain.Cam.Methods;

/// <summary>
/// FEM, the Feature Explanation Method (Fuad, Martin, Giot, Bourqui, Benois-Pineau &amp; Zemmari,
/// IPTA 2020, §III; the "fast explanation method" of Bhatti et al. in pytorch-grad-cam's docs):
/// per channel k the k-sigma rule marks the salient activations, B^k = [A^k &gt; μ_k + K σ_k]
/// (μ, σ the channel's spatial mean and population standard deviation), the channel's weight is
/// the share of marked positions w_k = mean_ij B^k_ij, and map = Σ_k w_k A^k. Gradient-free and so
/// class-agnostic. Follows pytorch-grad-cam HEAD 084273b (fem.py, K = 2 by default).
/// </summary>
public sealed class Fem : AttributionMethod
{
    public override string WireName => "fem";

    public override MethodNeeds Needs => MethodNeeds.Activations;

    public override IReadOnlyList<RawMap> RawMaps(SharedPasses passes)
    {
        double k = passes.Options.Attribution.FemK;
        var perLayer = passes.LayerViews.Select(v => new RawMap(Map(v.Layer, k), [v.Layer.Height, v.Layer.Width])).ToList();
        return passes.Targets.Select(_ => RawMap.OfLayers(perLayer)).ToList();
    }

    /// <summary>Σ_k w_k A^k with w_k the share of positions above μ_k + k σ_k.</summary>
    public static float[] Map(LayerMaps layer, double k)
    {
        var weights = new float[layer.Channels];
        for (int c = 0; c < layer.Channels; c++)
        {
            var a = layer.A(c);
            double mean = 0, square = 0;
            foreach (var v in a) mean += v;
            mean /= a.Length;
            foreach (var v in a) square += (v - mean) * (v - mean);
            double threshold = mean + k * Math.Sqrt(square / a.Length);
            int above = 0;
            foreach (var v in a) if (v > threshold) above++;
            weights[c] = (float)above / a.Length;
        }
        return CamMethod.Combine(layer.Weighted(weights), layer, eigenSmooth: false);
    }
}
