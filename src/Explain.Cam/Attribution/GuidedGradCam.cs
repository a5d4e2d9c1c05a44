using Explain.Cam.Pipeline;

namespace Explain.Cam.Attribution;

/// <summary>
/// Guided Grad-CAM (Selvaraju et al., ICCV 2017, §3 "Guided Grad-CAM"): the guided-backpropagation
/// input gradient multiplied point-wise by the upsampled, normalized Grad-CAM map of the same target.
/// </summary>
public sealed class GuidedGradCam : AttributionMethod
{
    public override string WireName => CamRegistry.GuidedGradCam;

    public override MethodNeeds Needs => MethodNeeds.Activations | MethodNeeds.Gradients | MethodNeeds.GuidedInputGradients;

    public override MapRendering Rendering => MapRendering.Picture;

    public override IReadOnlyList<RawMap> RawMaps(SharedPasses passes)
    {
        int plane = passes.Input.Shape[2] * passes.Input.Shape[3];
        return InputMaps.PerTarget(passes.GuidedInputGradients).Select((gradient, t) =>
        {
            var gradCam = passes.GradCamMap(t);
            var product = new float[gradient.Length];
            for (int c = 0; c < gradient.Length / plane; c++)
                System.Numerics.Tensors.TensorPrimitives.Multiply(gradient.AsSpan(c * plane, plane), gradCam, product.AsSpan(c * plane, plane));
            return new RawMap(product, passes.Input.Shape[1..]);
        }).ToList();
    }
}
