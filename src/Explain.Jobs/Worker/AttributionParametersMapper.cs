using Explain.Cam.Attribution;
using Proto = Explain.V1;

namespace Explain.Jobs.Worker;

/// <summary>Proto MethodParameters fields 1–19 and 48–55 (dff) to the Cam library's <see cref="AttributionParameters"/>; 0 / unspecified = the documented default.</summary>
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
            DffConcepts = p.DffConcepts == 0 ? d.DffConcepts : (int)Math.Min(p.DffConcepts, int.MaxValue),
            DffIterations = p.DffIterations == 0 ? d.DffIterations : (int)Math.Min(p.DffIterations, int.MaxValue),
            DffTopClasses = p.DffTopClasses == 0 ? d.DffTopClasses : (int)Math.Min(p.DffTopClasses, int.MaxValue),
        };
    }

    /// <summary>INVALID_ARGUMENT naming options.parameters.&lt;field&gt; for a parameter out of range, before the job is queued.</summary>
    public static void Check(Proto.MethodParameters? p)
    {
        try
        {
            From(p).Validate();
        }
        catch (ArgumentException e)
        {
            string field = e.Message.Split(' ')[0];
            throw JobRejectedException.Invalid("bad_parameter", e.Message, $"options.parameters.{field}");
        }
    }
}
