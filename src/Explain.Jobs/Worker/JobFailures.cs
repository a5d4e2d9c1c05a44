using Explain.Engine.Errors;
using Explain.Imaging;

namespace Explain.Jobs.Worker;

/// <summary>
/// Which failures of a running job are deterministic — the same job fails the same way on every
/// worker and every attempt, so it ends FAILED at once and is never redelivered — and which may
/// be transient (a lost broker connection, memory pressure, a missing native library on one
/// node) and are retried up to <see cref="JobsOptions.MaxDeliveries"/>.
/// </summary>
internal static class JobFailures
{
    /// <summary>The status a deterministic failure ends the job with; null when a retry may help.</summary>
    public static ErrorKind? Deterministic(Exception e) => e switch
    {
        JobRejectedException rejected => rejected.Kind, // model unavailable: FAILED_PRECONDITION
        ImageFormatException or ImageLimitException => ErrorKind.InvalidArgument, // the image itself
        ImagingException => null, // e.g. libturbojpeg missing on this node; another node may have it
        EngineException or ArgumentException => ErrorKind.InvalidArgument, // class index, layer, tensor shape
        FormatException => ErrorKind.FailedPrecondition, // the model's card (model.json) is broken
        // Programming errors: the same input reaches the same line again; retrying only triples the cost.
        OverflowException or IndexOutOfRangeException or NullReferenceException or InvalidCastException
            or DivideByZeroException or NotSupportedException => ErrorKind.Internal,
        _ => null,
    };
}
