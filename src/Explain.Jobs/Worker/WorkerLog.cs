using Microsoft.Extensions.Logging;

namespace Explain.Jobs.Worker;

internal static partial class WorkerLog
{
    [LoggerMessage(1, LogLevel.Information, "Job {JobId} started (delivery {Attempt}, waited {QueueWaitMs:F0} ms)")]
    public static partial void Started(ILogger logger, string jobId, int attempt, double queueWaitMs);

    [LoggerMessage(2, LogLevel.Information, "Job {JobId} completed: {Heatmaps} heatmaps in {ElapsedMs:F0} ms")]
    public static partial void Completed(ILogger logger, string jobId, int heatmaps, double elapsedMs);

    [LoggerMessage(3, LogLevel.Warning, "Job {JobId} failed ({Code}): {Message}")]
    public static partial void Failed(ILogger logger, string jobId, string code, string message);

    [LoggerMessage(4, LogLevel.Information, "Job {JobId} cancelled: {Reason}")]
    public static partial void Cancelled(ILogger logger, string jobId, string reason);

    [LoggerMessage(5, LogLevel.Warning, "Job {JobId}: unexpected error on delivery {Attempt}; requeued")]
    public static partial void Requeued(ILogger logger, Exception exception, string jobId, int attempt);

    [LoggerMessage(6, LogLevel.Information, "Job {JobId} already ended; redelivery acknowledged")]
    public static partial void AlreadyFinished(ILogger logger, string jobId);

    [LoggerMessage(7, LogLevel.Warning, "Events stream (cancel requests) failed; resubscribing in {DelayMs} ms")]
    public static partial void ControlStreamFailed(ILogger logger, Exception exception, int delayMs);

    [LoggerMessage(8, LogLevel.Warning, "Jobs queue consumer failed; reconnecting in {DelayMs} ms")]
    public static partial void ConsumerFailed(ILogger logger, Exception exception, int delayMs);

    [LoggerMessage(9, LogLevel.Warning, "Job {JobId}: could not publish its events or settle its delivery")]
    public static partial void SettleFailed(ILogger logger, Exception exception, string jobId);
}
