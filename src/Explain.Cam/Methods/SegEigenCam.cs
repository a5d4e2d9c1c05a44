namespace Explain.Cam.Methods;

/// <summary>
/// Seg-Eigen-CAM (Chung &amp; Ying, Applied Sciences 15(13) 7562, 2025): the first principal
/// component of the gradient-weighted activations |∂y/∂A| ⊙ A (eq. 10–12), its sign fixed so the
/// larger extreme is positive: flipped when |min| &gt; |max| (eq. 13). Made for segmentation targets,
/// it works on a classifier's class score as well. Follows pytorch-grad-cam HEAD 084273b
/// (seg_eigen_cam.py, get_2d_projection_with_sign_correction): per-channel centring, X v₁.
/// </summary>
public sealed class SegEigenCam : CamMethod
{
    public override string WireName => "segeigencam";

    public override float[] RawMap(LayerMaps layer, bool eigenSmooth = false)
    {
        var projection = PrincipalProjection.Project(WeightedActivations(layer), layer.Channels, layer.Positions);
        float min = System.Numerics.Tensors.TensorPrimitives.Min(projection), max = System.Numerics.Tensors.TensorPrimitives.Max(projection);
        if (Math.Abs(min) > Math.Abs(max))
            System.Numerics.Tensors.TensorPrimitives.Negate(projection, projection);
        return projection;
    }

    protected override float[] WeightedActivations(LayerMaps layer) => layer.Elementwise((g, a) => Math.Abs(g) * a);
}
