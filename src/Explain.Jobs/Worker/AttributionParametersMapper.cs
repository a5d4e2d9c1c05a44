using Explain.Cam.Attribution;
using Proto = Explain.V1;

namespace Explain.Jobs.Worker;

/// <summary>Proto MethodParameters fields 1–19 to the Cam library's <see cref="AttributionParameters"/>; 0 / unspecified = the documented default.</summary>
internal static class AttributionParametersMapper
{
    public static AttributionParameters From(Proto.MethodParameters? p)
    {
        var d = AttributionParameters.Default;
        if (p is null)
            return d;
        return d with
        {
            IntegratedGradientsSteps = p.IntegratedGradientsSteps == 0 ? d.IntegratedGradientsSteps : (int)Math.Min(p.IntegratedGradientsSteps, int.MaxValue),
            IntegratedGradientsBaseline = p.IntegratedGradientsBaseline switch
            {
                Proto.IntegratedGradientsBaseline.Blur => IntegratedGradientsBaseline.Blur,
                Proto.IntegratedGradientsBaseline.Uniform => IntegratedGradientsBaseline.Uniform,
                _ => IntegratedGradientsBaseline.Zero,
            },
            SmoothGradSamples = p.SmoothgradSamples == 0 ? d.SmoothGradSamples : (int)Math.Min(p.SmoothgradSamples, int.MaxValue),
            SmoothGradNoise = p.SmoothgradNoise == 0 ? d.SmoothGradNoise : p.SmoothgradNoise,
            ShapleyScore = p.ShapleyScore == Proto.ShapleyScore.Logit ? ShapleyScore.Logit : ShapleyScore.Rest,
        };
    }
}
