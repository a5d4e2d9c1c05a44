using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Explain.Cam;
using Explain.Cam.Evaluation;

namespace Explain.Cli.Parsing;

/// <summary>
/// `run` and `submit`'s compat, metrics, localization and text options (issue 13): parsed and range
/// checked here (usage error, exit 2, before the model loads), turned into the library's
/// <see cref="EvaluationOptions"/> or the API's MethodParameters.
/// </summary>
internal sealed class EvaluationCliOptions
{
    public static readonly string[] CompatNames = ["papers", "pytorch-grad-cam"];

    private readonly Option<string> _compat = new("--compat")
    {
        Description = "whose conventions: papers (default) or pytorch-grad-cam (guided backprop through ReLU only, its Ablation-CAM value; docs/compat.md)",
        HelpName = "papers|pytorch-grad-cam",
        DefaultValueFactory = _ => "papers",
        CustomParser = r => Choice(r, CompatNames),
        CompletionSources = { _ => CompatNames },
    };

    private readonly Option<List<double>> _road = Percentiles("--road-percentiles", "ROAD's percentiles with --metrics (default 10,20,...,90)");
    private readonly Option<double> _noise = Number("--road-noise", "ROAD imputation noise (input units, 0..1)", 0.01, 0, 1);
    private readonly Option<bool> _noArcc = new("--no-arcc") { Description = "leave ARCC out of --metrics (it explains each masked input once more)" };
    private readonly Option<double> _threshold = Number("--box-threshold", "localization box: the map's region ≥ this fraction of its max (Grad-CAM paper: 0.15)", 0.15, 0, 1);
    private readonly Option<PixelBox?> _truth = new("--gt-box")
    {
        Description = "ground-truth box x,y,width,height in model-input pixels: adds the pointing game and IoU per map",
        HelpName = "x,y,w,h",
        CustomParser = r => ParseBox(r),
    };
    private readonly Option<int> _text = CliOptions.Positive("--text-channels", "channels named by each textual explanation (1-20)", 3);
    private readonly Option<bool> _sanity = new("--sanity-check") { Description = "with --metrics: re-explain on a copy of the model with its top layers re-drawn and report the maps' Spearman / Pearson similarity (Adebayo et al. 2018)" };
    private readonly Option<int> _sanityLayers = CliOptions.Positive("--sanity-check-layers", "parameterized layers the sanity check re-draws, from the output down (1 = the classifier head; 1-1000)", 1);

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _compat, _road, _noise, _noArcc, _threshold, _truth, _text, _sanity, _sanityLayers })
            command.Options.Add(option);
    }

    public CompatMode Compat(ParseResult p) => p.GetValue(_compat) == "pytorch-grad-cam" ? CompatMode.PytorchGradCam : CompatMode.Papers;

    public EvaluationOptions Evaluation(ParseResult p)
    {
        var defaults = new EvaluationOptions();
        var options = new EvaluationOptions
        {
            RoadPercentiles = p.GetValue(_road) is { Count: > 0 } road ? road : defaults.RoadPercentiles,
            RoadNoise = (float)p.GetValue(_noise),
            Arcc = !p.GetValue(_noArcc),
            LocalizationThreshold = (float)p.GetValue(_threshold),
            GroundTruth = p.GetValue(_truth),
            TextChannels = p.GetValue(_text),
            SanityCheck = p.GetValue(_sanity),
            SanityCheckLayers = p.GetValue(_sanityLayers),
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        return options;
    }

    /// <summary>The same choices for the service.</summary>
    public V1.MethodParameters Parameters(ParseResult p)
    {
        var e = Evaluation(p);
        var parameters = new V1.MethodParameters { RoadNoise = e.RoadNoise, SkipArcc = !e.Arcc, LocalizationThreshold = e.LocalizationThreshold, TextChannels = e.TextChannels,
            SanityCheck = e.SanityCheck, SanityCheckLayers = (uint)e.SanityCheckLayers };
        parameters.RoadPercentiles.AddRange(e.RoadPercentiles);
        if (e.GroundTruth is { } b)
            parameters.GroundTruthBox = new V1.Box { X = b.X, Y = b.Y, Width = b.Width, Height = b.Height };
        return parameters;
    }

    public V1.Compat ApiCompat(ParseResult p) => Compat(p) == CompatMode.PytorchGradCam ? V1.Compat.PytorchGradCam : V1.Compat.Papers;

    private static string Choice(ArgumentResult r, string[] names)
    {
        string value = r.Tokens[^1].Value.ToLowerInvariant();
        if (!names.Contains(value))
            r.AddError($"{(r.Parent as OptionResult)?.Option.Name}: unknown value '{r.Tokens[^1].Value}'.{Suggestions.DidYouMean(value, names)} Known: {string.Join(", ", names)}.");
        return value;
    }

    private static Option<List<double>> Percentiles(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "p,...",
        CustomParser = r =>
        {
            var values = new List<double>();
            foreach (var part in r.Tokens.SelectMany(t => CliOptions.Split(t.Value)))
                if (double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0 && v < 100)
                    values.Add(v);
                else
                    r.AddError($"{name}: '{part}' is not a percentile strictly between 0 and 100 (e.g. {name} 10,50,90).");
            return values;
        },
    };

    internal static Option<double> Number(string name, string description, double defaultValue, double low, double high) => new(name)
    {
        Description = description,
        HelpName = "X",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r =>
        {
            string text = r.Tokens[^1].Value;
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v >= low && v <= high)
                return v;
            r.AddError($"{name}: '{text}' is not a number from {low} to {high}.");
            return defaultValue;
        },
    };

    private static PixelBox? ParseBox(ArgumentResult r)
    {
        var parts = CliOptions.Split(r.Tokens[^1].Value).ToArray();
        var numbers = parts.Select(s => int.TryParse(s, out int v) ? v : -1).ToArray();
        if (numbers.Length != 4 || numbers.Any(v => v < 0) || numbers[2] == 0 || numbers[3] == 0)
        {
            r.AddError($"--gt-box: '{r.Tokens[^1].Value}' is not x,y,width,height (whole numbers, width and height > 0, e.g. --gt-box 40,10,120,100).");
            return null;
        }
        return new PixelBox(numbers[0], numbers[1], numbers[2], numbers[3]);
    }
}
