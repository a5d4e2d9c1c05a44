using System.Globalization;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Explain.Telemetry.Prometheus;

/// <summary>Escaping and number formatting of the text format 0.0.4.</summary>
internal static class PrometheusText
{
    /// <summary>Go's ParseFloat spellings: "+Inf", "-Inf", "NaN", else the shortest round-trip form.</summary>
    public static string FormatDouble(double value)
    {
        if (double.IsPositiveInfinity(value))
        {
            return "+Inf";
        }

        if (double.IsNegativeInfinity(value))
        {
            return "-Inf";
        }

        return double.IsNaN(value) ? "NaN" : value.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>HELP text escapes backslash and line feed only.</summary>
    public static void AppendHelp(StringBuilder output, string help)
    {
        foreach (var c in help)
        {
            _ = c switch
            {
                '\\' => output.Append(@"\\"),
                '\n' => output.Append(@"\n"),
                _ => output.Append(c),
            };
        }
    }

    /// <summary>Label values escape backslash, double quote and line feed.</summary>
    public static void AppendLabel(StringBuilder output, ref bool first, string name, string value)
    {
        if (!first)
        {
            output.Append(',');
        }

        first = false;
        output.Append(name).Append("=\"");
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => output.Append(@"\\"),
                '"' => output.Append("\\\""),
                '\n' => output.Append(@"\n"),
                _ => output.Append(c),
            };
        }

        output.Append('"');
    }

    /// <summary>Tags as sanitized label names; when two keys sanitize alike the later one is dropped.</summary>
    public static IReadOnlyList<(string Name, string Value)> Labels(ReadOnlyTagCollection tags)
    {
        if (tags.Count == 0)
        {
            return [];
        }

        var labels = new List<(string Name, string Value)>(tags.Count);
        foreach (var tag in tags)
        {
            var name = PrometheusNames.LabelName(tag.Key);
            if (!labels.Exists(l => l.Name == name))
            {
                labels.Add((name, LabelValue(tag.Value)));
            }
        }

        return labels;
    }

    public static string LabelValue(object? value) => value switch
    {
        null => "",
        bool b => b ? "true" : "false",
        double d => FormatDouble(d),
        float f => FormatDouble(f),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
