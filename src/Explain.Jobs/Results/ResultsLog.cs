using Microsoft.Extensions.Logging;

namespace Explain.Jobs.Results;

internal static partial class ResultsLog
{
    [LoggerMessage(1, LogLevel.Information, "Replaying the events stream into the results index")]
    public static partial void Subscribing(ILogger logger);

    [LoggerMessage(2, LogLevel.Warning, "Events stream subscription failed; resubscribing in {DelayMs} ms")]
    public static partial void SubscriptionFailed(ILogger logger, Exception exception, int delayMs);

    [LoggerMessage(3, LogLevel.Warning, "Undecodable event for job {JobId} (sequence {Sequence}) skipped")]
    public static partial void BadEvent(ILogger logger, Exception exception, string jobId, long sequence);
}
