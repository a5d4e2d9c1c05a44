namespace Explain.Cam.Methods;

/// <summary>Eigen-Grad-CAM (pytorch-grad-cam): the first principal component of g ⊙ A, a class-specific Eigen-CAM.</summary>
public sealed class EigenGradCam : CamMethod
{
    public override string WireName => "eigengradcam";

    public override float[] RawMap(LayerMaps layer, bool eigenSmooth = false) =>
        PrincipalProjection.Project(WeightedActivations(layer), layer.Channels, layer.Positions);

    protected override float[] WeightedActivations(LayerMaps layer) => layer.Elementwise((g, a) => g * a);
}
