using Explain.Cam.Pipeline;

namespace Explain.Cam.Methods;

/// <summary>
/// FinerCAM (Zhang et al., "Finer-CAM: Spotting the Difference Reveals Finer Details for Visual
/// Explanation", CVPR 2025, §3): Grad-CAM (its base method in pytorch-grad-cam) of the contrastive
/// score T = y^c − α y^d instead of y^c, so features shared with the similar classes d cancel:
/// w_k = (1/Z) Σ_ij ∂T/∂A^k_ij, map = ReLU(Σ_k w_k A^k). T, the choice of the comparison classes and
/// the defaults (α = 1, 3 classes) follow pytorch-grad-cam HEAD 084273b (finer_cam.py,
/// FinerWeightedTarget): see <see cref="Targets.FinerCamTarget"/>. The seeds of T are rows of the
/// ONE shared backward pass (<see cref="MethodNeeds.ContrastGradients"/>), not a pass of their own.
/// </summary>
public sealed class FinerCam : AttributionMethod
{
    private static readonly GradCam Base = new();

    public override string WireName => "finercam";

    public override MethodNeeds Needs => MethodNeeds.Activations | MethodNeeds.Gradients | MethodNeeds.ContrastGradients;

    public override IReadOnlyList<RawMap> RawMaps(SharedPasses passes) =>
        passes.Targets.Select((_, t) => RawMap.OfLayers(passes.ContrastViews.Select(layers =>
        {
            var view = layers[t];
            return new RawMap(Base.RawMap(view, passes.Options.EigenSmooth), [view.Height, view.Width]);
        }).ToList())).ToList();
}
