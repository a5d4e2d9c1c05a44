using Explain.Cam;
using Explain.Cam.Evaluation;
using Explain.V1;

namespace Explain.Jobs.Worker;

/// <summary>The API's compat choice and MethodParameters fields 40–59 as the library's options; ingestion checks them with <see cref="Check"/>.</summary>
public static class EvaluationParameters
{
    public static CompatMode Compat(V1.ExplainOptions? options) =>
        options?.Compat == V1.Compat.PytorchGradCam ? CompatMode.PytorchGradCam : CompatMode.Papers;

    public static EvaluationOptions From(MethodParameters? p)
    {
        var defaults = new EvaluationOptions();
        if (p is null)
            return defaults;
        return new EvaluationOptions
        {
            RoadPercentiles = p.RoadPercentiles.Count > 0 ? p.RoadPercentiles.ToList() : defaults.RoadPercentiles,
            ArccRoadPercentiles = p.ArccRoadPercentiles.Count > 0 ? p.ArccRoadPercentiles.ToList() : defaults.ArccRoadPercentiles,
            RoadNoise = p.RoadNoise ?? defaults.RoadNoise,
            Arcc = !p.SkipArcc,
            LocalizationThreshold = p.LocalizationThreshold != 0 ? p.LocalizationThreshold : defaults.LocalizationThreshold,
            GroundTruth = p.GroundTruthBox is { } b ? new PixelBox(b.X, b.Y, b.Width, b.Height) : null,
            PointingTolerance = p.PointingTolerance ?? defaults.PointingTolerance,
            TextChannels = p.TextChannels != 0 ? p.TextChannels : defaults.TextChannels,
            SanityCheck = p.SanityCheck,
            SanityCheckLayers = p.SanityCheckLayers == 0 ? defaults.SanityCheckLayers : (int)Math.Min(p.SanityCheckLayers, int.MaxValue),
        };
    }

    /// <summary>INVALID_ARGUMENT naming options.parameters.&lt;field&gt; for a parameter out of range.</summary>
    public static void Check(MethodParameters? p)
    {
        try
        {
            From(p).Validate();
        }
        catch (ArgumentException e)
        {
            string field = e.Message.Split(':')[0];
            throw JobRejectedException.Invalid("bad_parameter", e.Message, $"options.parameters.{field}");
        }
    }
}
