using System.CommandLine;
using Explain.Cam.Perturbation;

namespace Explain.Cli.Parsing;

/// <summary>
/// `run` and `submit`'s options of the noise- and mask-based methods (smoothgradcam++, sscam, iscam,
/// occlusion, rise; issue 13): range checked here (usage error, exit 2, before the model loads) and
/// turned into the library's <see cref="PerturbationParameters"/> or the API's MethodParameters 28–38.
/// </summary>
internal sealed class PerturbationCliOptions
{
    private static readonly PerturbationParameters D = PerturbationParameters.Default;

    private readonly Option<int> _sgSamples = CliOptions.Positive("--smoothgradcampp-samples", "smoothgradcam++: noisy inputs, 1-256", D.SmoothGradCamPlusPlusSamples);
    private readonly Option<double> _sgStd = EvaluationCliOptions.Number("--smoothgradcampp-std", "smoothgradcam++: noise sigma in input units, (0, 10]", D.SmoothGradCamPlusPlusStd, 0, 10);
    private readonly Option<int> _ssSamples = CliOptions.Positive("--sscam-samples", "sscam: noisy copies of every mask, 1-256 (costs samples x channels passes; see --scorecam-channels)", D.SsCamSamples);
    private readonly Option<double> _ssStd = EvaluationCliOptions.Number("--sscam-std", "sscam: sigma of the noise added to the normalized masks, (0, 10]", D.SsCamStd, 0, 10);
    private readonly Option<int> _isSamples = CliOptions.Positive("--iscam-samples", "iscam: integration steps, 1-256 (costs samples x channels passes)", D.IsCamSamples);
    private readonly Option<int> _window = CliOptions.Positive("--occlusion-window", "occlusion: side of the square window in input pixels", D.OcclusionWindow);
    private readonly Option<int> _stride = CliOptions.Positive("--occlusion-stride", "occlusion: step of the window, 1..window", D.OcclusionStride);
    private readonly Option<double> _baseline = EvaluationCliOptions.Number("--occlusion-baseline", "occlusion: value written into the window (input units)", D.OcclusionBaseline, -1e6, 1e6);
    private readonly Option<int> _masks = CliOptions.Positive("--rise-masks", "rise: random masks, 1-8000 (one forward pass each)", D.RiseMasks);
    private readonly Option<int> _cells = CliOptions.Positive("--rise-cells", "rise: cells per side of the masks' grid, 2-64", D.RiseCells);
    private readonly Option<double> _probability = EvaluationCliOptions.Number("--rise-probability", "rise: probability that a cell is kept, (0, 1)", D.RiseProbability, 0, 1);

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _sgSamples, _sgStd, _ssSamples, _ssStd, _isSamples, _window, _stride, _baseline, _masks, _cells, _probability })
            command.Options.Add(option);
    }

    public PerturbationParameters Parameters(ParseResult p)
    {
        var parameters = new PerturbationParameters
        {
            SmoothGradCamPlusPlusSamples = p.GetValue(_sgSamples), SmoothGradCamPlusPlusStd = (float)p.GetValue(_sgStd),
            SsCamSamples = p.GetValue(_ssSamples), SsCamStd = (float)p.GetValue(_ssStd), IsCamSamples = p.GetValue(_isSamples),
            OcclusionWindow = p.GetValue(_window), OcclusionStride = p.GetValue(_stride), OcclusionBaseline = (float)p.GetValue(_baseline),
            RiseMasks = p.GetValue(_masks), RiseCells = p.GetValue(_cells), RiseProbability = (float)p.GetValue(_probability),
        };
        try
        {
            parameters.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--{e.Message.Split(' ')[0].Replace('_', '-')}: {e.Message}");
        }
        return parameters;
    }

    /// <summary>The same choices for the service (fields 28–38 of <paramref name="into"/>).</summary>
    public V1.MethodParameters AddTo(V1.MethodParameters into, ParseResult p)
    {
        var q = Parameters(p);
        into.SmoothgradcamppSamples = (uint)q.SmoothGradCamPlusPlusSamples;
        into.SmoothgradcamppStd = q.SmoothGradCamPlusPlusStd;
        into.SscamSamples = (uint)q.SsCamSamples;
        into.SscamStd = q.SsCamStd;
        into.IscamSamples = (uint)q.IsCamSamples;
        into.OcclusionWindow = (uint)q.OcclusionWindow;
        into.OcclusionStride = (uint)q.OcclusionStride;
        into.OcclusionBaseline = q.OcclusionBaseline;
        into.RiseMasks = (uint)q.RiseMasks;
        into.RiseCells = (uint)q.RiseCells;
        into.RiseProbability = q.RiseProbability;
        return into;
    }
}
