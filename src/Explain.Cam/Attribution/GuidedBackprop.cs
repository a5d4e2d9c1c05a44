using Explain.Cam.Pipeline;

namespace Explain.Cam.Attribution;

/// <summary>
/// Guided backpropagation (Springenberg et al., ICLR-W 2015, §3.4, eq. for R^l_i): the input
/// gradient with every ReLU's backward replaced by (g &gt; 0)·(x &gt; 0)·g. Raw = the gradient
/// [C, H, W]; the picture is pytorch-grad-cam's deprocess_image of it.
/// </summary>
public sealed class GuidedBackprop : AttributionMethod
{
    public override string WireName => CamRegistry.GuidedBackprop;

    public override MethodNeeds Needs => MethodNeeds.GuidedInputGradients;

    public override MapRendering Rendering => MapRendering.Picture;

    public override IReadOnlyList<RawMap> RawMaps(SharedPasses passes) =>
        InputMaps.PerTarget(passes.GuidedInputGradients).Select(g => new RawMap(g, passes.Input.Shape[1..])).ToList();
}
