using Microsoft.Extensions.Logging;

namespace Explain.Jobs.Ingestion;

internal static partial class IngestionLog
{
    [LoggerMessage(1, LogLevel.Information, "Job {JobId} queued: model {Model}, methods {Methods}")]
    public static partial void Queued(ILogger logger, string jobId, string model, string methods);

    [LoggerMessage(2, LogLevel.Information, "Request rejected ({Reason}): {Message}")]
    public static partial void Rejected(ILogger logger, string reason, string message);

    [LoggerMessage(3, LogLevel.Information, "Job {JobId}: idempotency key matched, returning the first ticket")]
    public static partial void Duplicate(ILogger logger, string jobId);

    [LoggerMessage(4, LogLevel.Information, "Job {JobId}: cancel requested")]
    public static partial void CancelRequested(ILogger logger, string jobId);

    [LoggerMessage(5, LogLevel.Warning, "Job queue full; job {JobId} refused")]
    public static partial void QueueFull(ILogger logger, string jobId);
}
