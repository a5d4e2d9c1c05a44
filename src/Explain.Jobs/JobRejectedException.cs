namespace Explain.Jobs;

/// <summary>
/// A request the service refuses before queuing anything: the kind of error, a short
/// machine-friendly reason ("unknown_model", "image_over_limits", ...) used as a metric tag, and
/// what a caller needs to fix or retry it: the request field at fault (INVALID_ARGUMENT), the
/// missing resource (NOT_FOUND), the quota and when to retry (RESOURCE_EXHAUSTED). The gRPC edge
/// turns these into google.rpc.Status details (BadRequest, ResourceInfo, QuotaFailure, RetryInfo).
/// </summary>
public sealed class JobRejectedException(ErrorKind kind, string reason, string message) : Exception(message)
{
    public ErrorKind Kind { get; } = kind;

    public string Reason { get; } = reason;

    /// <summary>The request field at fault as a path (<c>methods[2]</c>, <c>targets.classes[0]</c>, <c>image</c>).</summary>
    public string? Field { get; init; }

    /// <summary>The resource that does not exist: its type ("model", "job") and name.</summary>
    public (string Type, string Name)? Resource { get; init; }

    /// <summary>The quota that refused the request ("jobs queue", "tenant budget").</summary>
    public string? QuotaSubject { get; init; }

    /// <summary>Which limit of the quota refused it (QuotaFailure's description); the message when null.</summary>
    public string? QuotaDescription { get; init; }

    /// <summary>How long a caller should wait before trying again, when waiting can help.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public static JobRejectedException Invalid(string reason, string message, string? field = null) =>
        new(ErrorKind.InvalidArgument, reason, message) { Field = field };

    public static JobRejectedException NotFound(string reason, string message, string resourceType, string resourceName) =>
        new(ErrorKind.NotFound, reason, message) { Resource = (resourceType, resourceName) };

    public static JobRejectedException Exhausted(string reason, string message, string quotaSubject, TimeSpan retryAfter) =>
        new(ErrorKind.ResourceExhausted, reason, message) { QuotaSubject = quotaSubject, RetryAfter = retryAfter };
}
