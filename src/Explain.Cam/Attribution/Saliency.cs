using Explain.Cam.Pipeline;

namespace Explain.Cam.Attribution;

/// <summary>
/// Saliency (Simonyan, Vedaldi &amp; Zisserman, ICLR-W 2014, §3.1): the input gradient w = ∂y^c/∂x,
/// and per pixel M_ij = max_c |w_{c,i,j}| (their eq. after (2)). Captum's Saliency (abs=True) gives
/// |w| per channel; the channel maximum is the paper's map.
/// </summary>
public sealed class Saliency : AttributionMethod
{
    public override string WireName => "saliency";

    public override MethodNeeds Needs => MethodNeeds.InputGradients;

    public override IReadOnlyList<RawMap> RawMaps(SharedPasses passes)
    {
        int channels = passes.Input.Shape[1];
        return InputMaps.PerTarget(passes.InputGradients).Select(g => new RawMap(InputMaps.ChannelMaxAbs(g, channels), passes.Input.Shape[2..])).ToList();
    }
}
