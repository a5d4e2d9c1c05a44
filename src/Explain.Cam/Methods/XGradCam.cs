using System.Numerics.Tensors;

namespace Explain.Cam.Methods;

/// <summary>
/// XGrad-CAM (Fu et al., BMVC 2020, eq. 9): w_k = Σ_ij (A^k_ij / Σ_ab A^k_ab) · ∂y^c/∂A^k_ij,
/// with 1e-7 added to the normalizer as pytorch-grad-cam 1.5 does.
/// </summary>
public sealed class XGradCam : ChannelWeightMethod
{
    public override string WireName => "xgradcam";

    public override float[] ChannelWeights(LayerMaps layer) =>
        PerChannel(layer, k => TensorPrimitives.Dot(layer.G(k), layer.A(k)) / (TensorPrimitives.Sum(layer.A(k)) + 1e-7f));
}
