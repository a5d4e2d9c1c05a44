using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Explain.Cam.Attribution;

namespace Explain.Cli.Parsing;

/// <summary>
/// `run` and `submit`'s options for the gradient and input-attribution methods' parameters (proto
/// MethodParameters fields 1–5 and dff's 48–50, issue 13): each parsed and range checked here, when the command
/// line is parsed (usage error, exit 2, before the model loads), then turned into the library's
/// <see cref="AttributionParameters"/> or written into the API's MethodParameters.
/// </summary>
internal sealed class AttributionCliOptions
{
    public static readonly string[] BaselineNames = ["zero", "blur", "uniform"];
    public static readonly string[] ShapleyScoreNames = ["rest", "logit"];

    private static readonly AttributionParameters Defaults = AttributionParameters.Default;

    private readonly Option<int> _igSteps = Bounded("--ig-steps", "integrated-gradients: Gauss-Legendre nodes on the path, 1-256", Defaults.IntegratedGradientsSteps, AttributionParameters.MaxSteps);

    private readonly Option<string> _igBaseline = Choice("--ig-baseline", "integrated-gradients: where the path starts: zero (Captum's default), blur (51x51 Gaussian, sigma 50) or uniform (noise from --seed)", BaselineNames);

    private readonly Option<int> _samples = Bounded("--smoothgrad-samples", "smoothgrad, smoothgrad-squared, vargrad: noisy samples, 1-256", Defaults.SmoothGradSamples, AttributionParameters.MaxSamples);

    private readonly Option<double> _noise = new("--smoothgrad-noise")
    {
        Description = "smoothgrad*: noise sigma as a fraction of the input's range max(x) - min(x), in (0, 1]",
        HelpName = "X",
        DefaultValueFactory = _ => Defaults.SmoothGradNoise,
        CustomParser = r => ParseNoise(r),
    };

    private readonly Option<int> _concepts = Bounded("--dff-concepts", "dff: concepts of the factorization, 1-32 (and at most the layer's channels and positions)", Defaults.DffConcepts, AttributionParameters.MaxConcepts);

    private readonly Option<int> _sweeps = Bounded("--dff-iterations", "dff: HALS sweeps of the factorization, 1-1000", Defaults.DffIterations, AttributionParameters.MaxDffIterations);

    private readonly Option<int> _conceptClasses = Bounded("--dff-top-classes", "dff: classes named per concept, 1-10", Defaults.DffTopClasses, AttributionParameters.MaxConceptClasses);

    private readonly Option<string> _shapley = Choice("--shapley-score", "shapleycam: the score explained: rest (2 y_c - logsumexp y, the paper's) or logit (y_c)", ShapleyScoreNames);

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _igSteps, _igBaseline, _samples, _noise, _shapley, _concepts, _sweeps, _conceptClasses })
            command.Options.Add(option);
    }

    public AttributionParameters Attribution(ParseResult p)
    {
        var parameters = Defaults with
        {
            IntegratedGradientsSteps = p.GetValue(_igSteps),
            IntegratedGradientsBaseline = p.GetValue(_igBaseline) switch
            {
                "blur" => IntegratedGradientsBaseline.Blur,
                "uniform" => IntegratedGradientsBaseline.Uniform,
                _ => IntegratedGradientsBaseline.Zero,
            },
            SmoothGradSamples = p.GetValue(_samples),
            SmoothGradNoise = (float)p.GetValue(_noise),
            ShapleyScore = p.GetValue(_shapley) == "logit" ? ShapleyScore.Logit : ShapleyScore.Rest,
            DffConcepts = p.GetValue(_concepts),
            DffIterations = p.GetValue(_sweeps),
            DffTopClasses = p.GetValue(_conceptClasses),
        };
        try
        {
            parameters.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        return parameters;
    }

    /// <summary>The same choices written into the API's MethodParameters (fields 1–5; the worker's mapper reads them back).</summary>
    public void ApplyTo(V1.MethodParameters target, ParseResult p)
    {
        var a = Attribution(p);
        target.IntegratedGradientsSteps = (uint)a.IntegratedGradientsSteps;
        target.IntegratedGradientsBaseline = a.IntegratedGradientsBaseline switch
        {
            IntegratedGradientsBaseline.Blur => V1.IntegratedGradientsBaseline.Blur,
            IntegratedGradientsBaseline.Uniform => V1.IntegratedGradientsBaseline.Uniform,
            _ => V1.IntegratedGradientsBaseline.Zero,
        };
        target.SmoothgradSamples = (uint)a.SmoothGradSamples;
        target.SmoothgradNoise = a.SmoothGradNoise;
        target.ShapleyScore = a.ShapleyScore == ShapleyScore.Logit ? V1.ShapleyScore.Logit : V1.ShapleyScore.Rest;
        target.DffConcepts = (uint)a.DffConcepts;
        target.DffIterations = (uint)a.DffIterations;
        target.DffTopClasses = (uint)a.DffTopClasses;
    }

    private static Option<int> Bounded(string name, string description, int defaultValue, int max) => new(name)
    {
        Description = description,
        HelpName = "N",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r =>
        {
            string text = r.Tokens[^1].Value;
            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= 1 && n <= max)
                return n;
            r.AddError($"{name}: '{text}' is not a whole number from 1 to {max}.");
            return defaultValue;
        },
    };

    private static Option<string> Choice(string name, string description, string[] names) => new(name)
    {
        Description = description,
        HelpName = string.Join('|', names),
        DefaultValueFactory = _ => names[0],
        CustomParser = r =>
        {
            string value = r.Tokens[^1].Value.Trim().ToLowerInvariant();
            if (!names.Contains(value))
                r.AddError($"{name}: unknown value '{r.Tokens[^1].Value}'.{Suggestions.DidYouMean(value, names)} Known: {string.Join(", ", names)}.");
            return value;
        },
        CompletionSources = { _ => names },
    };

    private static double ParseNoise(ArgumentResult r)
    {
        string text = r.Tokens[^1].Value;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0 && v <= 1)
            return v;
        r.AddError($"--smoothgrad-noise: '{text}' is not a fraction in (0, 1] (e.g. --smoothgrad-noise 0.15).");
        return Defaults.SmoothGradNoise;
    }
}
