using System.Diagnostics;

namespace Explain.Telemetry.Propagation;

/// <summary>The traceparent grammar of W3C Trace Context §3.2: version-traceid-parentid-flags, lowercase hex.</summary>
internal static class TraceParent
{
    private const int Version00Length = 55;

    public static bool TryParse(string value, out ActivityTraceId traceId, out ActivitySpanId spanId, out ActivityTraceFlags flags)
    {
        traceId = default;
        spanId = default;
        flags = ActivityTraceFlags.None;
        var span = value.AsSpan().Trim();
        if (span.Length < Version00Length || span[2] != '-' || span[35] != '-' || span[52] != '-')
        {
            return false;
        }

        var version = span[..2];
        // §3.2.2.1: "ff" is invalid; version 00 has exactly four fields; a later version may append
        // fields after a dash, and its first four are read as version 00's.
        if (!IsLowerHex(version) || version.SequenceEqual("ff")
            || (version.SequenceEqual("00") && span.Length != Version00Length)
            || (span.Length > Version00Length && span[Version00Length] != '-'))
        {
            return false;
        }

        var trace = span[3..35];
        var parent = span[36..52];
        var flagText = span[53..55];
        if (!IsLowerHex(trace) || !IsLowerHex(parent) || !IsLowerHex(flagText) || IsAllZero(trace) || IsAllZero(parent))
        {
            return false;
        }

        traceId = ActivityTraceId.CreateFromString(trace);
        spanId = ActivitySpanId.CreateFromString(parent);
        flags = (Convert.ToByte(flagText.ToString(), 16) & 1) != 0 ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None;
        return true;
    }

    private static bool IsLowerHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsAllZero(ReadOnlySpan<char> text) => !text.ContainsAnyExcept('0');
}
