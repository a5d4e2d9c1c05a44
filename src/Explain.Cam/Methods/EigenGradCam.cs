namespace Explain.Cam.Methods;

/// <summary>Eigen-Grad-CAM (pytorch-grad-cam): the first principal component of g ⊙ A, a class-specific Eigen-CAM.</summary>
public sealed class EigenGradCam : CamMethod
{
    public override string WireName => "eigengradcam";

    public override float[] RawMap(LayerMaps layer)
    {
        var product = new float[layer.Activations.Length];
        System.Numerics.Tensors.TensorPrimitives.Multiply(layer.Gradients, layer.Activations, product);
        return PrincipalProjection.Project(product, layer.Channels, layer.Positions);
    }
}
