using Explain.Internal.V1;
using Explain.Messaging;
using Explain.V1;
using Microsoft.Extensions.Logging;

namespace Explain.Jobs.Worker;

/// <summary>
/// A job's end, in two steps around the ack of its delivery: <see cref="PublishTerminalAsync"/>
/// publishes its terminal event with the one terminal sequence number (unless the runner already
/// published COMPLETED); <see cref="AnnounceAsync"/> publishes a job-ended marker on the control
/// stream, remembers the job as finished, and counts and logs how it ended.
/// </summary>
public sealed class JobEnding(IMessageTransport transport, JobControl control, WorkerMetrics metrics, ILogger<JobEnding> logger)
{
    /// <summary>Publishes the terminal event unless it is COMPLETED, which the runner published; returns once it is confirmed.</summary>
    public Task PublishTerminalAsync(JobEvent ending) => ending.KindCase == JobEvent.KindOneofCase.Completed
        ? Task.CompletedTask
        : transport.Events.PublishAsync(EventCodec.Event(ending, EventSequences.Terminal), CancellationToken.None);

    public async Task AnnounceAsync(JobMessage job, JobEvent ending)
    {
        // Every worker hears of it on the small control stream (and skips a redelivery of the job).
        await transport.Control.PublishAsync(EventCodec.JobEnded(job.JobId), CancellationToken.None);
        control.Finished(job.JobId);
        double endToEnd = job.SubmittedUnixMs == 0 ? 0 : EventCodec.NowUnixMs() - job.SubmittedUnixMs;
        metrics.EndToEnd(endToEnd, ending.KindCase.ToString().ToLowerInvariant());
        switch (ending.KindCase)
        {
            case JobEvent.KindOneofCase.Completed:
                metrics.Completed(job.Request?.Model ?? "", job.Tenant);
                WorkerLog.Completed(logger, job.JobId, ending.Completed.Heatmaps, endToEnd);
                break;
            case JobEvent.KindOneofCase.Cancelled:
                metrics.Cancelled(job.Tenant);
                WorkerLog.Cancelled(logger, job.JobId, ending.Cancelled.Reason);
                break;
            default:
                string code = ((ErrorKind)ending.Failed.Status.Code).ToString();
                metrics.Failed(code, job.Tenant);
                WorkerLog.Failed(logger, job.JobId, code, ending.Failed.Status.Message);
                break;
        }
    }
}
