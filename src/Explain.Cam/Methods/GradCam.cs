using System.Numerics.Tensors;

namespace Explain.Cam.Methods;

/// <summary>
/// Grad-CAM (Selvaraju et al., ICCV 2017, eq. 1–2): w_k = (1/Z) Σ_ij ∂y^c/∂A^k_ij, the global
/// average of the gradient; map = ReLU(Σ_k w_k A^k) (ReLU applied by the explainer).
/// </summary>
public sealed class GradCam : ChannelWeightMethod
{
    public override string WireName => "gradcam";

    public override float[] ChannelWeights(LayerMaps layer) =>
        PerChannel(layer, k => TensorPrimitives.Sum(layer.G(k)) / layer.Positions);
}
