namespace Explain.Cam.Methods;

/// <summary>
/// A Grad-CAM-family method: how a raw map (target-layer resolution, before ReLU and
/// normalization) is made from a layer's activations and gradients. The explainer does the shared
/// work once — forward with the target layer recorded, one batched backward for all targets,
/// ReLU, upsampling and normalization.
/// </summary>
/// <remarks>
/// Most methods are "weighted activations summed over channels"; they give only the C×h×w
/// weighted activations and the base sums them, or — with eigen-smooth (pytorch-grad-cam's
/// option) — projects them on their first principal component instead, which removes noise.
/// </remarks>
public abstract class CamMethod
{
    /// <summary>The method's name on the wire and on the command line (e.g. "gradcam++").</summary>
    public abstract string WireName { get; }

    /// <summary>Whether the method reads ∂y/∂A (one shared backward pass serves all such methods).</summary>
    public virtual bool NeedsGradients => true;

    /// <summary>The shared passes the method reads (default: activations, and gradients when <see cref="NeedsGradients"/>).</summary>
    public virtual Pipeline.MethodNeeds Needs => Pipeline.MethodNeeds.Activations | (NeedsGradients ? Pipeline.MethodNeeds.Gradients : Pipeline.MethodNeeds.None);

    /// <summary>The raw map for one sample, layer and target.</summary>
    public virtual float[] RawMap(LayerMaps layer, bool eigenSmooth = false)
    {
        return Combine(WeightedActivations(layer), layer, eigenSmooth);
    }

    /// <summary>Channel sum of C×h×w weighted activations, or their first principal component (eigen-smooth).</summary>
    public static float[] Combine(float[] weighted, LayerMaps layer, bool eigenSmooth) =>
        eigenSmooth ? PrincipalProjection.Project(weighted, layer.Channels, layer.Positions) : ChannelSum(weighted, layer);

    /// <summary>The C×h×w terms whose channel sum is the map.</summary>
    protected abstract float[] WeightedActivations(LayerMaps layer);

    private static float[] ChannelSum(float[] weighted, LayerMaps layer)
    {
        var map = new float[layer.Positions];
        for (int k = 0; k < layer.Channels; k++)
            System.Numerics.Tensors.TensorPrimitives.Add(map, weighted.AsSpan(k * layer.Positions, layer.Positions), map);
        return map;
    }
}
