namespace Explain.Cam.Methods;

/// <summary>Methods whose map is Σ_k w_k A^k; subclasses give only the channel weights w_k.</summary>
public abstract class ChannelWeightMethod : CamMethod
{
    public sealed override float[] RawMap(LayerMaps layer) => layer.WeightedSum(ChannelWeights(layer));

    protected abstract float[] ChannelWeights(LayerMaps layer);

    protected static float[] PerChannel(LayerMaps layer, Func<int, float> weight)
    {
        var w = new float[layer.Channels];
        for (int k = 0; k < w.Length; k++)
            w[k] = weight(k);
        return w;
    }
}
