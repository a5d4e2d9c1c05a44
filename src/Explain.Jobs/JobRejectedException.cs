using Explain.Grpc;

namespace Explain.Jobs;

/// <summary>
/// A request the service refuses before queuing anything: the status code to answer with and a
/// short machine-friendly reason ("unknown_model", "image_over_limits", ...) used as a metric tag.
/// </summary>
public sealed class JobRejectedException(StatusCode code, string reason, string message) : Exception(message)
{
    public StatusCode Code { get; } = code;

    public string Reason { get; } = reason;

    public static JobRejectedException Invalid(string reason, string message) => new(StatusCode.InvalidArgument, reason, message);

    public static JobRejectedException NotFound(string reason, string message) => new(StatusCode.NotFound, reason, message);
}
