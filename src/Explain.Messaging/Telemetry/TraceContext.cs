namespace Explain.Messaging;

using System.Diagnostics;

/// <summary>
/// W3C trace context (https://www.w3.org/TR/trace-context/) carried in message headers, so a job's
/// trace continues from the gRPC call that submitted it into the worker that runs it.
/// </summary>
public static class TraceContext
{
    public const string TraceParentHeader = "traceparent";
    public const string TraceStateHeader = "tracestate";

    public const string SourceName = "Explain.Messaging";

    /// <summary>The source of the messaging spans.</summary>
    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>The headers plus the current activity's trace context, unless they carry one already.</summary>
    public static IReadOnlyDictionary<string, string> Inject(IReadOnlyDictionary<string, string> headers)
    {
        if (Activity.Current is not { IdFormat: ActivityIdFormat.W3C } activity || headers.ContainsKey(TraceParentHeader))
            return headers;
        var result = new Dictionary<string, string>(headers) { [TraceParentHeader] = activity.Id! };
        if (!string.IsNullOrEmpty(activity.TraceStateString))
            result[TraceStateHeader] = activity.TraceStateString;
        return result;
    }

    /// <summary>The trace context the publisher sent, if the headers carry a valid one.</summary>
    public static bool TryExtract(IReadOnlyDictionary<string, string> headers, out ActivityContext context)
    {
        context = default;
        return headers.TryGetValue(TraceParentHeader, out var parent)
            && ActivityContext.TryParse(parent, headers.GetValueOrDefault(TraceStateHeader), isRemote: true, out context);
    }

    /// <summary>Starts a consumer span (e.g. "explain.jobs process") whose parent is the publisher's context.</summary>
    public static Activity? StartConsumerActivity(string name, IReadOnlyDictionary<string, string> headers) =>
        TryExtract(headers, out var parent)
            ? Source.StartActivity(name, ActivityKind.Consumer, parent)
            : Source.StartActivity(name, ActivityKind.Consumer);
}
