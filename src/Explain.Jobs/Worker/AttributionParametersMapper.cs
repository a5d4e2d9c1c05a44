using Explain.Cam.Attribution;
using Explain.Cam.Methods;
using Proto = Explain.V1;

namespace Explain.Jobs.Worker;

/// <summary>Proto MethodParameters fields 1–27 and 48–55 (dff) to the Cam library's <see cref="AttributionParameters"/>; 0 / unspecified = the documented default.</summary>
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
            FinerCamAlpha = p.FinercamAlpha ?? d.FinerCamAlpha,
            FinerCamComparisons = p.FinercamComparisons == 0 ? d.FinerCamComparisons : (int)Math.Min(p.FinercamComparisons, int.MaxValue),
            KpcaKernel = p.KpcaKernel switch
            {
                Proto.KpcaKernel.Unspecified or Proto.KpcaKernel.Sigmoid => KpcaKernel.Sigmoid,
                Proto.KpcaKernel.Rbf => KpcaKernel.Rbf,
                Proto.KpcaKernel.Poly => KpcaKernel.Poly,
                Proto.KpcaKernel.Linear => KpcaKernel.Linear,
                Proto.KpcaKernel.Cosine => KpcaKernel.Cosine,
                _ => (KpcaKernel)(-1), // an unknown enum number: Validate names kpca_kernel
            },
            KpcaGamma = p.KpcaGamma,
            FemK = p.FemK ?? d.FemK,
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
