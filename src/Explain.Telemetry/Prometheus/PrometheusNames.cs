using System.Text;

namespace Explain.Telemetry.Prometheus;

/// <summary>
/// OTel instrument names and units to Prometheus names, after the OpenTelemetry "Prometheus and
/// OpenMetrics compatibility" spec: invalid characters become "_", runs of "_" collapse, UCUM units
/// become suffixes ("s" → "_seconds", "By" → "_bytes", "{request}" → nothing), monotonic sums get "_total".
/// NOTE: unit "1" adds no "_ratio" suffix (the spec's SHOULD for gauges): the names stay predictable
/// for dashboards whether an instrument is a gauge or an up-down counter.
/// </summary>
internal static class PrometheusNames
{
    private static readonly Dictionary<string, string> Units = new(StringComparer.Ordinal)
    {
        ["d"] = "days", ["h"] = "hours", ["min"] = "minutes", ["s"] = "seconds", ["ms"] = "milliseconds",
        ["us"] = "microseconds", ["ns"] = "nanoseconds", ["By"] = "bytes", ["KiBy"] = "kibibytes",
        ["MiBy"] = "mebibytes", ["GiBy"] = "gibibytes", ["TiBy"] = "tebibytes", ["KBy"] = "kilobytes",
        ["MBy"] = "megabytes", ["GBy"] = "gigabytes", ["TBy"] = "terabytes", ["m"] = "meters",
        ["V"] = "volts", ["A"] = "amperes", ["J"] = "joules", ["W"] = "watts", ["g"] = "grams",
        ["Cel"] = "celsius", ["Hz"] = "hertz", ["%"] = "percent", ["1"] = "",
    };

    private static readonly Dictionary<string, string> PerUnits = new(StringComparer.Ordinal)
    {
        ["s"] = "second", ["m"] = "minute", ["h"] = "hour", ["d"] = "day", ["w"] = "week", ["mo"] = "month", ["y"] = "year",
    };

    /// <summary>The sample name of a metric family: sanitized name, unit suffix, "_total" for counters.</summary>
    public static string MetricName(string name, string? unit, bool isCounter)
    {
        var result = Sanitize(name, allowColon: true);
        if (isCounter && result.EndsWith("_total", StringComparison.Ordinal))
        {
            result = result[..^"_total".Length];
        }

        var suffix = UnitSuffix(unit);
        if (suffix.Length > 0 && !result.EndsWith("_" + suffix, StringComparison.Ordinal))
        {
            result = result + "_" + suffix;
        }

        return isCounter ? result + "_total" : result;
    }

    /// <summary>A label name: [a-zA-Z_][a-zA-Z0-9_]*; a leading digit gets a "key_" prefix as the spec asks.</summary>
    public static string LabelName(string key)
    {
        var result = Sanitize(key, allowColon: false);
        return result.Length > 0 && char.IsAsciiDigit(result[0]) ? "key_" + result : result;
    }

    /// <summary>"s" → "seconds", "By/s" → "bytes_per_second", "{job}" → "", unknown units sanitized as they are.</summary>
    public static string UnitSuffix(string? unit)
    {
        if (string.IsNullOrWhiteSpace(unit))
        {
            return "";
        }

        var withoutAnnotations = RemoveAnnotations(unit).Trim();
        if (withoutAnnotations.Length == 0)
        {
            return "";
        }

        var slash = withoutAnnotations.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return Units.TryGetValue(withoutAnnotations, out var known) ? known : Sanitize(withoutAnnotations, allowColon: false).Trim('_');
        }

        var numerator = UnitSuffix(withoutAnnotations[..slash]);
        var denominatorUnit = withoutAnnotations[(slash + 1)..];
        var denominator = PerUnits.TryGetValue(denominatorUnit, out var per) ? per : UnitSuffix(denominatorUnit);
        if (denominator.Length == 0)
        {
            return numerator;
        }

        return numerator.Length == 0 ? "per_" + denominator : numerator + "_per_" + denominator;
    }

    private static string RemoveAnnotations(string unit)
    {
        var builder = new StringBuilder(unit.Length);
        var depth = 0;
        foreach (var c in unit)
        {
            if (c == '{')
            {
                depth++;
            }
            else if (c == '}' && depth > 0)
            {
                depth--;
            }
            else if (depth == 0)
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static string Sanitize(string name, bool allowColon)
    {
        var builder = new StringBuilder(name.Length + 1);
        foreach (var c in name)
        {
            var valid = char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':');
            var next = valid ? c : '_';
            if (next == '_' && builder.Length > 0 && builder[^1] == '_')
            {
                continue;
            }

            builder.Append(next);
        }

        if (builder.Length > 0 && char.IsAsciiDigit(builder[0]) && allowColon)
        {
            builder.Insert(0, '_');
        }

        return builder.ToString();
    }
}
