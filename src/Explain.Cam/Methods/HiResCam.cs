namespace Explain.Cam.Methods;

/// <summary>
/// HiResCAM (Draelos &amp; Carin, 2020, eq. 4): map = Σ_k ∂y^c/∂A^k ⊙ A^k — element-wise, without
/// Grad-CAM's spatial averaging of the gradient, so the map is faithful to the model's computation.
/// </summary>
public sealed class HiResCam : CamMethod
{
    public override string WireName => "hirescam";

    protected override float[] WeightedActivations(LayerMaps layer) => layer.Elementwise((g, a) => g * a);
}
