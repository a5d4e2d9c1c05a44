using Explain.Cam;
using Explain.Cam.Perturbation;
using Proto = Explain.V1;

namespace Explain.Jobs.Worker;

/// <summary>
/// Proto MethodParameters fields 28–39 to the Cam library's <see cref="PerturbationParameters"/> and
/// the Faster-Score-CAM channel limit; 0 = the documented default. Ingestion checks them with <see cref="Check"/>.
/// </summary>
public static class PerturbationParametersMapper
{
    /// <summary>score_channels' upper bound (no vision model's layer has more channels worth scoring one by one).</summary>
    public const int MaxScoreChannels = 4096;

    public static PerturbationParameters From(Proto.MethodParameters? p)
    {
        var d = PerturbationParameters.Default;
        if (p is null)
            return d;
        return d with
        {
            SmoothGradCamPlusPlusSamples = Count(p.SmoothgradcamppSamples, d.SmoothGradCamPlusPlusSamples),
            SmoothGradCamPlusPlusStd = p.SmoothgradcamppStd == 0 ? d.SmoothGradCamPlusPlusStd : p.SmoothgradcamppStd,
            SsCamSamples = Count(p.SscamSamples, d.SsCamSamples),
            SsCamStd = p.SscamStd == 0 ? d.SsCamStd : p.SscamStd,
            IsCamSamples = Count(p.IscamSamples, d.IsCamSamples),
            OcclusionWindow = Count(p.OcclusionWindow, d.OcclusionWindow),
            OcclusionStride = Count(p.OcclusionStride, d.OcclusionStride),
            OcclusionBaseline = p.OcclusionBaseline,
            RiseMasks = Count(p.RiseMasks, d.RiseMasks),
            RiseCells = Count(p.RiseCells, d.RiseCells),
            RiseProbability = p.RiseProbability == 0 ? d.RiseProbability : p.RiseProbability,
        };
    }

    /// <summary>options.parameters.score_channels as <see cref="Cam.ExplainOptions.ScoreCamChannels"/> (0 = all).</summary>
    public static int ScoreChannels(Proto.MethodParameters? p) => (int)Math.Min(p?.ScoreChannels ?? 0, int.MaxValue);

    /// <summary>
    /// INVALID_ARGUMENT naming options.parameters.&lt;field&gt; for a parameter out of range; with the
    /// model's input size known, the occlusion window and its window count too.
    /// </summary>
    public static void Check(Proto.MethodParameters? p, IReadOnlyCollection<string> methods, int? height, int? width)
    {
        if (ScoreChannels(p) > MaxScoreChannels)
            throw JobRejectedException.Invalid("bad_parameter", $"score_channels {p!.ScoreChannels} is outside 0..{MaxScoreChannels}", "options.parameters.score_channels");
        try
        {
            var parameters = From(p);
            parameters.Validate();
            if (height is int h && width is int w && methods.Contains(Occlusion.Name))
                parameters.ValidateFor(h, w);
        }
        catch (ArgumentException e)
        {
            string field = e.Message.Split(' ')[0];
            throw JobRejectedException.Invalid("bad_parameter", e.Message, $"options.parameters.{field}");
        }
    }

    private static int Count(uint value, int fallback) => value == 0 ? fallback : (int)Math.Min(value, int.MaxValue);
}
