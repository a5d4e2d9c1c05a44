namespace Explain.Cam.Methods;

/// <summary>
/// A Grad-CAM-family method: how a raw map (target-layer resolution, before ReLU and
/// normalization) is made from a layer's activations and gradients. The explainer does the shared
/// work once — forward with the target layer recorded, one batched backward for all targets,
/// ReLU, upsampling and normalization.
/// </summary>
public abstract class CamMethod
{
    /// <summary>The method's name on the wire and on the command line (e.g. "gradcam++").</summary>
    public abstract string WireName { get; }

    /// <summary>Whether the method reads ∂y/∂A (one shared backward pass serves all such methods).</summary>
    public virtual bool NeedsGradients => true;

    /// <summary>The raw map for one sample, layer and target.</summary>
    public abstract float[] RawMap(LayerMaps layer);
}
