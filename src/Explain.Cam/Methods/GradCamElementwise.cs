namespace Explain.Cam.Methods;

/// <summary>
/// Element-wise Grad-CAM (pytorch-grad-cam's GradCAMElementWise): map = Σ_k ReLU(∂y^c/∂A^k ⊙ A^k),
/// HiResCAM with the rectification moved inside the channel sum.
/// </summary>
public sealed class GradCamElementwise : CamMethod
{
    public override string WireName => "gradcam-elementwise";

    protected override float[] WeightedActivations(LayerMaps layer) => layer.Elementwise((g, a) => MathF.Max(g * a, 0f));
}
