using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Explain.Cam.Attribution;
using Explain.Cam.Methods;

namespace Explain.Cli.Parsing;

/// <summary>
/// `run` and `submit`'s options of the CAM variants (issue 13: finercam, kpcacam, fem): parsed and
/// range checked here (usage error, exit 2, before the model loads), turned into the library's
/// <see cref="AttributionParameters"/> or the API's MethodParameters fields 20–24.
/// </summary>
internal sealed class CamVariantCliOptions
{
    public static readonly string[] KernelNames = ["sigmoid", "rbf", "poly", "linear", "cosine"];

    private readonly Option<double> _alpha = Number("--finercam-alpha", "finercam: comparison strength alpha of y_c - alpha y_j (0-10)", 1, 0, AttributionParameters.MaxFinerCamAlpha);
    private readonly Option<int> _comparisons = CliOptions.Positive("--finercam-comparisons", "finercam: classes of nearest score compared with (1-16)", 3);
    private readonly Option<string> _kernel = new("--kpca-kernel")
    {
        Description = "kpcacam: kernel of the kernel PCA",
        HelpName = string.Join("|", KernelNames),
        DefaultValueFactory = _ => "sigmoid",
        CustomParser = r =>
        {
            string value = r.Tokens[^1].Value.ToLowerInvariant();
            if (!KernelNames.Contains(value))
                r.AddError($"--kpca-kernel: unknown value '{r.Tokens[^1].Value}'.{Suggestions.DidYouMean(value, KernelNames)} Known: {string.Join(", ", KernelNames)}.");
            return value;
        },
        CompletionSources = { _ => KernelNames },
    };
    private readonly Option<double> _gamma = Number("--kpca-gamma", "kpcacam: the kernel's gamma (0 = 1 / channels)", 0, 0, double.MaxValue);
    private readonly Option<double> _femK = Number("--fem-k", "fem: salient activations above mean + k std per channel (0-10)", 2, 0, AttributionParameters.MaxFemK);

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _alpha, _comparisons, _kernel, _gamma, _femK })
            command.Options.Add(option);
    }

    /// <summary><paramref name="parameters"/> with the CAM-variant choices; out of range is a usage error.</summary>
    public AttributionParameters Apply(ParseResult p, AttributionParameters parameters)
    {
        var result = parameters with
        {
            FinerCamAlpha = (float)p.GetValue(_alpha),
            FinerCamComparisons = p.GetValue(_comparisons),
            KpcaKernel = Enum.Parse<KpcaKernel>(p.GetValue(_kernel)!, ignoreCase: true),
            KpcaGamma = (float)p.GetValue(_gamma),
            FemK = (float)p.GetValue(_femK),
        };
        try
        {
            result.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        return result;
    }

    /// <summary>The same choices for the service, written into <paramref name="parameters"/>.</summary>
    public V1.MethodParameters Fill(ParseResult p, V1.MethodParameters parameters)
    {
        var a = Apply(p, AttributionParameters.Default);
        parameters.FinercamAlpha = a.FinerCamAlpha;
        parameters.FinercamComparisons = (uint)a.FinerCamComparisons;
        parameters.KpcaKernel = a.KpcaKernel switch
        {
            KpcaKernel.Rbf => V1.KpcaKernel.Rbf,
            KpcaKernel.Poly => V1.KpcaKernel.Poly,
            KpcaKernel.Linear => V1.KpcaKernel.Linear,
            KpcaKernel.Cosine => V1.KpcaKernel.Cosine,
            _ => V1.KpcaKernel.Sigmoid,
        };
        parameters.KpcaGamma = a.KpcaGamma;
        parameters.FemK = a.FemK;
        return parameters;
    }

    private static Option<double> Number(string name, string description, double defaultValue, double low, double high) => new(name)
    {
        Description = description,
        HelpName = "X",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r =>
        {
            string text = r.Tokens[^1].Value;
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v >= low && v <= high && double.IsFinite(v))
                return v;
            r.AddError(high == double.MaxValue
                ? $"{name}: '{text}' is not a finite number >= {low.ToString(CultureInfo.InvariantCulture)}."
                : $"{name}: '{text}' is not a number from {low.ToString(CultureInfo.InvariantCulture)} to {high.ToString(CultureInfo.InvariantCulture)}.");
            return defaultValue;
        },
    };
}
