using System.Diagnostics;
using Explain.Internal.V1;
using Explain.Jobs.Results;
using Explain.Messaging;
using Explain.V1;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Explain.Engine.Errors;

namespace Explain.Jobs.Ingestion;

/// <summary>
/// Ingestion's facade: validate, give the job an unguessable id, send QUEUED then the job, and
/// answer once both are confirmed. The job is sent right behind QUEUED, without waiting for its
/// confirm: QUEUED reaches the stream long before a worker can take the job, run it and publish an
/// event of its own; should QUEUED need a re-send after a lost connection and land late, results
/// drops it (a client sees QUEUED first or not at all). If the queue refuses the job, a FAILED
/// event closes it and the caller gets RESOURCE_EXHAUSTED.
/// </summary>
public sealed class IngestionService(IMessageTransport transport, RequestValidator validator, IdempotencyCache idempotency, ResultsIndex index, IngestionMetrics metrics, ILogger<IngestionService> logger)
{
    /// <summary>What a refused caller is told to wait when the queue is full: about the time a worker takes to drain a few jobs.</summary>
    internal static readonly TimeSpan QueueFullRetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>Queues a job. <paramref name="callDeadline"/> (Explain's call deadline) caps the job's deadline.</summary>
    /// <exception cref="JobRejectedException">The request is refused; nothing was queued.</exception>
    public async Task<JobTicket> SubmitAsync(ExplainRequest request, string tenant, DateTimeOffset? callDeadline, CancellationToken cancellationToken)
    {
        try
        {
            var clock = Stopwatch.StartNew();
            validator.Validate(request);
            metrics.Validated(clock.Elapsed.TotalMilliseconds);
            return request.IdempotencyKey.Length == 0
                ? await PublishAsync(request, tenant, callDeadline, cancellationToken)
                : await idempotency.GetOrSubmitAsync(request, tenant, claim => PublishAsync(request, tenant, callDeadline, CancellationToken.None, claim));
        }
        catch (JobRejectedException e)
        {
            metrics.Rejected(e.Reason);
            IngestionLog.Rejected(logger, e.Reason, e.Message);
            throw;
        }
    }

    /// <summary>Records a cancel request on the control stream; workers act on it.</summary>
    /// <exception cref="JobRejectedException">NOT_FOUND: no such job of <paramref name="tenant"/> (another tenant's job included).</exception>
    public async Task CancelAsync(string jobId, string tenant, CancellationToken cancellationToken)
    {
        if (!JobIds.IsWellFormed(jobId))
            throw JobRejectedException.Invalid("bad_job_id", $"'{LogText.Of(jobId)}' is not a job id", "job_id");
        if (tenant.Length > 0)
            await index.WaitForJobAsync(jobId, tenant, cancellationToken);
        await transport.Control.PublishAsync(EventCodec.CancelRequest(jobId), cancellationToken);
        metrics.CancelRequested();
        IngestionLog.CancelRequested(logger, jobId);
    }

    private async Task<JobTicket> PublishAsync(ExplainRequest request, string tenant, DateTimeOffset? callDeadline, CancellationToken cancellationToken, IdempotencyClaim? idempotency = null)
    {
        string jobId = JobIds.New();
        long now = EventCodec.NowUnixMs();
        long deadline = Deadline(request.DeadlineUnixMs, callDeadline);
        var message = new JobMessage { JobId = jobId, Request = request, SubmittedUnixMs = now, DeadlineUnixMs = deadline, Tenant = tenant };
        var headers = new Dictionary<string, string> { ["model"] = request.Model };
        var envelope = new JobEnvelope(jobId, message.ToByteArray(), headers, deadline == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(deadline));
        var queued = new JobEvent { JobId = jobId, TimeUnixMs = now, Queued = new Queued { Model = request.Model, DeadlineUnixMs = deadline } };
        queued.Queued.Methods.AddRange(request.Methods.Count > 0 ? request.Methods : ["gradcam"]);
        var queuedConfirmed = transport.Events.PublishAsync(EventCodec.Event(queued, EventSequences.Queued, idempotency, tenant), cancellationToken);
        try
        {
            await transport.Jobs.PublishAsync(envelope, cancellationToken);
            await queuedConfirmed;
        }
        catch (QueueFullException e)
        {
            await queuedConfirmed;
            IngestionLog.QueueFull(logger, jobId);
            var failed = EventCodec.Failed(jobId, ErrorKind.ResourceExhausted, "the job queue is full");
            await transport.Events.PublishAsync(EventCodec.Event(failed, EventSequences.Terminal), CancellationToken.None);
            throw JobRejectedException.Exhausted("queue_full", "the job queue is full; retry later: " + e.Message, "explain.jobs queue", QueueFullRetryAfter);
        }
        metrics.Submitted(request.Model);
        IngestionLog.Queued(logger, jobId, request.Model, string.Join(",", queued.Queued.Methods));
        return new JobTicket { JobId = jobId, State = JobState.Queued, SubmittedUnixMs = now };
    }

    private static long Deadline(long requested, DateTimeOffset? callDeadline)
    {
        long call = callDeadline is { } d && d < DateTimeOffset.MaxValue.AddDays(-1) ? d.ToUnixTimeMilliseconds() : 0;
        return requested == 0 ? call : call == 0 ? requested : Math.Min(requested, call);
    }
}
