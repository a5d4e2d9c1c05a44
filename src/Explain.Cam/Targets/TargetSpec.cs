using System.Globalization;

namespace Explain.Cam.Targets;

/// <summary>
/// The text form of a target (CLI `--target`, model.json's "targets"): <c>logit:K</c>,
/// <c>softmax:K</c>, <c>rest:K</c>, <c>binary:positive|negative</c>, <c>sum</c>, <c>labels:A,B,...</c>.
/// </summary>
public static class TargetSpec
{
    public const string Forms = "logit:K, softmax:K, rest:K, binary:positive|negative, sum, labels:A,B,...";

    /// <summary>Parses one target; a malformed text is an <see cref="ArgumentException"/> naming the forms.</summary>
    public static CamTarget Parse(string text)
    {
        string spec = text.Trim();
        int colon = spec.IndexOf(':');
        string kind = (colon < 0 ? spec : spec[..colon]).Trim().ToLowerInvariant();
        string argument = colon < 0 ? "" : spec[(colon + 1)..].Trim();
        return kind switch
        {
            "logit" => new ClassTarget(Class(argument, text)),
            "softmax" => new SoftmaxTarget(Class(argument, text)),
            "rest" => new RestTarget(Class(argument, text)),
            "binary" => argument.ToLowerInvariant() switch
            {
                "positive" or "1" or "+" => new BinaryTarget(true),
                "negative" or "0" or "-" => new BinaryTarget(false),
                _ => throw Bad(text),
            },
            "sum" when argument.Length == 0 => new ScoresSumTarget(),
            "labels" => Labels(argument, text),
            _ => throw Bad(text),
        };
    }

    private static MultiLabelTarget Labels(string argument, string text)
    {
        var classes = argument.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(a => Class(a, text)).ToList();
        if (classes.Count is 0 or > 16)
            throw new ArgumentException($"target '{text}': a multi-label target names 1 to 16 classes");
        if (classes.Distinct().Count() != classes.Count)
            throw new ArgumentException($"target '{text}': a multi-label target names each class once");
        return new MultiLabelTarget(classes);
    }

    private static int Class(string argument, string text) =>
        int.TryParse(argument, NumberStyles.None, CultureInfo.InvariantCulture, out int c) ? c : throw Bad(text);

    private static ArgumentException Bad(string text) => new($"target '{text}' is not one of {Forms} (K a class index ≥ 0)");
}
