namespace Explain.Cam.Methods;

/// <summary>
/// Eigen-CAM (Muhammad &amp; Yeasin, IJCNN 2020): the target layer's activations projected on their
/// first principal component. Class-agnostic: no gradient is read.
/// </summary>
public sealed class EigenCam : CamMethod
{
    public override string WireName => "eigencam";

    public override bool NeedsGradients => false;

    public override float[] RawMap(LayerMaps layer, bool eigenSmooth = false) => PrincipalProjection.Project(layer.Activations, layer.Channels, layer.Positions);

    protected override float[] WeightedActivations(LayerMaps layer) => layer.Activations;
}
