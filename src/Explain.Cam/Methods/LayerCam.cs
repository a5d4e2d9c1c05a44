namespace Explain.Cam.Methods;

/// <summary>
/// LayerCAM (Jiang et al., IEEE TIP 2021, eq. 5–6): every position weighted by its own positive
/// gradient, map = Σ_k ReLU(∂y^c/∂A^k) ⊙ A^k.
/// </summary>
public sealed class LayerCam : CamMethod
{
    public override string WireName => "layercam";

    protected override float[] WeightedActivations(LayerMaps layer) => layer.Elementwise((g, a) => MathF.Max(g, 0f) * a);
}
