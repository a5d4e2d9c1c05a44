using System.Globalization;
using System.Text.RegularExpressions;

namespace Explain.Telemetry.Tests.Support;

/// <summary>
/// The samples of a Prometheus text or OpenMetrics scrape: name, labels, value (timestamps and
/// exemplars after the value are ignored), so assertions do not depend on label order or timestamps.
/// </summary>
public static partial class Samples
{
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value, string Line);

    public static IReadOnlyList<Sample> Parse(string scrape) =>
        scrape.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(ParseLine).ToList();

    /// <summary>The one sample named <paramref name="name"/> whose labels include <paramref name="labels"/>; null when none.</summary>
    public static double? Value(string scrape, string name, params (string Key, string Value)[] labels)
    {
        var matches = Find(scrape, name, labels).ToList();
        return matches.Count switch
        {
            0 => null,
            1 => matches[0].Value,
            _ => throw new Xunit.Sdk.XunitException($"{matches.Count} samples of {name} match: {string.Join(" | ", matches.Select(m => m.Line))}"),
        };
    }

    public static IEnumerable<Sample> Find(string scrape, string name, params (string Key, string Value)[] labels) =>
        Parse(scrape).Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value));

    private static Sample ParseLine(string line)
    {
        var m = SampleLine().Match(line);
        if (!m.Success)
            throw new FormatException($"not a sample line: {line}");
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match l in Label().Matches(m.Groups["labels"].Value))
            labels[l.Groups[1].Value] = l.Groups[2].Value.Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
        string value = m.Groups["value"].Value;
        double parsed = value switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            _ => double.Parse(value, CultureInfo.InvariantCulture),
        };
        return new Sample(m.Groups["name"].Value, labels, parsed, line);
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*?)\})?\s+(?<value>\S+)")]
    private static partial Regex SampleLine();

    [GeneratedRegex("""([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)" """, RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex Label();
}
