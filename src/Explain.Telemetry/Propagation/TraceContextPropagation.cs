using System.Diagnostics;

namespace Explain.Telemetry.Propagation;

/// <summary>
/// W3C Trace Context (https://www.w3.org/TR/trace-context/) in message headers, so a job's trace
/// continues from Ingestion through the broker into a Worker. Writes version 00; reads 00 and,
/// as §4.3 asks, future versions by their first four fields.
/// </summary>
public static class TraceContextPropagation
{
    public const string TraceParentHeader = "traceparent";
    public const string TraceStateHeader = "tracestate";

    /// <summary>Writes the current activity's context; does nothing without a current activity.</summary>
    public static void Inject(IDictionary<string, string> headers) =>
        Inject(Activity.Current?.Context ?? default, headers);

    /// <summary>Writes traceparent (and tracestate when present); an invalid context writes nothing.</summary>
    public static void Inject(ActivityContext context, IDictionary<string, string> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        if (context.TraceId == default || context.SpanId == default)
        {
            return;
        }

        var flags = (context.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? "01" : "00";
        headers[TraceParentHeader] = $"00-{context.TraceId.ToHexString()}-{context.SpanId.ToHexString()}-{flags}";
        if (!string.IsNullOrEmpty(context.TraceState))
        {
            headers[TraceStateHeader] = context.TraceState;
        }
        else
        {
            headers.Remove(TraceStateHeader);
        }
    }

    /// <summary>Reads a remote parent context; false when traceparent is missing or malformed.</summary>
    public static bool TryExtract(IDictionary<string, string> headers, out ActivityContext context)
    {
        ArgumentNullException.ThrowIfNull(headers);
        context = default;
        var traceParent = Find(headers, TraceParentHeader);
        if (traceParent is null || !TraceParent.TryParse(traceParent, out var traceId, out var spanId, out var flags))
        {
            return false;
        }

        context = new ActivityContext(traceId, spanId, flags, Find(headers, TraceStateHeader), isRemote: true);
        return true;
    }

    /// <summary>Header names are case-insensitive in HTTP (§3.1); AMQP tables are not, so try exact first.</summary>
    private static string? Find(IDictionary<string, string> headers, string name)
    {
        if (headers.TryGetValue(name, out var value))
        {
            return value;
        }

        return headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
    }
}
