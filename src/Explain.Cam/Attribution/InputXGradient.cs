using Explain.Cam.Pipeline;

namespace Explain.Cam.Attribution;

/// <summary>
/// Input × Gradient (Shrikumar et al. 2016, "Not just a black box", §2; Captum's InputXGradient):
/// attribution x ⊙ ∂y^c/∂x per channel; the map is its channel sum (signed: the explainer's ReLU
/// keeps the evidence for the class).
/// </summary>
public sealed class InputXGradient : AttributionMethod
{
    public override string WireName => "inputxgradient";

    public override MethodNeeds Needs => MethodNeeds.InputGradients;

    public override IReadOnlyList<RawMap> RawMaps(SharedPasses passes)
    {
        int channels = passes.Input.Shape[1];
        var x = passes.Input.Floats;
        return InputMaps.PerTarget(passes.InputGradients).Select(g =>
        {
            System.Numerics.Tensors.TensorPrimitives.Multiply(g, x, g);
            return new RawMap(InputMaps.ChannelSum(g, channels), passes.Input.Shape[2..]);
        }).ToList();
    }
}
