namespace Explain.Cam.Methods;

/// <summary>Methods whose map is Σ_k w_k A^k; subclasses give only the channel weights w_k.</summary>
public abstract class ChannelWeightMethod : CamMethod
{
    protected sealed override float[] WeightedActivations(LayerMaps layer) => layer.Weighted(ChannelWeights(layer));

    /// <summary>The channel weights w_k for this layer and target.</summary>
    public abstract float[] ChannelWeights(LayerMaps layer);

    protected static float[] PerChannel(LayerMaps layer, Func<int, float> weight)
    {
        var w = new float[layer.Channels];
        for (int k = 0; k < w.Length; k++)
            w[k] = weight(k);
        return w;
    }
}
