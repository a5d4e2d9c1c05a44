using System.Diagnostics;
using Explain.Internal.V1;
using Explain.Jobs.Admission;
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
/// event closes it and the caller gets RESOURCE_EXHAUSTED. Before that, a request is normalized
/// (a method, class or layer named twice is computed once), its cost estimated and admitted
/// against the per-request maximum and its tenant's quotas (<see cref="AdmissionControl"/>),
/// and a job without a deadline gets the default one.
/// </summary>
public sealed class IngestionService(IMessageTransport transport, RequestValidator validator, IdempotencyCache idempotency, ResultsIndex index,
    AdmissionControl admission, JobLimits limits, IngestionMetrics metrics, ILogger<IngestionService> logger)
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
            request = Merged(request);
            var entry = validator.Validate(request);
            double gflop = admission.Estimate(request, entry);
            metrics.Validated(clock.Elapsed.TotalMilliseconds);
            return request.IdempotencyKey.Length == 0
                ? await PublishAsync(request, tenant, gflop, callDeadline, cancellationToken)
                : await idempotency.GetOrSubmitAsync(request, tenant, claim => PublishAsync(request, tenant, gflop, callDeadline, CancellationToken.None, claim));
        }
        catch (JobRejectedException e)
        {
            metrics.Rejected(e.Reason, tenant);
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

    /// <summary>The request with each method, class and layer once, in first-named order (the same method twice runs once).</summary>
    internal static ExplainRequest Merged(ExplainRequest request)
    {
        bool duplicates = request.Methods.Distinct().Count() < request.Methods.Count || request.Layers.Distinct().Count() < request.Layers.Count
            || request.Targets is { } t && t.Classes.Distinct().Count() < t.Classes.Count;
        if (!duplicates)
            return request;
        var merged = request.Clone();
        merged.Methods.Clear();
        merged.Methods.AddRange(request.Methods.Distinct());
        merged.Layers.Clear();
        merged.Layers.AddRange(request.Layers.Distinct());
        if (merged.Targets is { } targets)
        {
            targets.Classes.Clear();
            targets.Classes.AddRange(request.Targets.Classes.Distinct());
        }
        return merged;
    }

    private async Task<JobTicket> PublishAsync(ExplainRequest request, string tenant, double gflop, DateTimeOffset? callDeadline, CancellationToken cancellationToken, IdempotencyClaim? idempotency = null)
    {
        string jobId = JobIds.New();
        long now = EventCodec.NowUnixMs();
        long deadline = Deadline(request.DeadlineUnixMs, callDeadline, now + (long)limits.DefaultJobDeadline.TotalMilliseconds);
        admission.Admit(tenant, jobId, gflop, deadline);
        try
        {
            return await PublishAdmittedAsync(request, tenant, gflop, jobId, now, deadline, cancellationToken, idempotency);
        }
        catch
        {
            admission.Release(tenant, jobId, gflop);
            throw;
        }
    }

    private async Task<JobTicket> PublishAdmittedAsync(ExplainRequest request, string tenant, double gflop, string jobId, long now, long deadline, CancellationToken cancellationToken, IdempotencyClaim? idempotency)
    {
        var message = new JobMessage { JobId = jobId, Request = request, SubmittedUnixMs = now, DeadlineUnixMs = deadline, Tenant = tenant };
        var headers = new Dictionary<string, string> { ["model"] = request.Model };
        var envelope = new JobEnvelope(jobId, message.ToByteArray(), headers, deadline == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(deadline));
        var queued = new JobEvent { JobId = jobId, TimeUnixMs = now, Queued = new Queued { Model = request.Model, DeadlineUnixMs = deadline } };
        queued.Queued.Methods.AddRange(request.Methods.Count > 0 ? request.Methods : ["gradcam"]);
        // QUEUED is on its way before the job is: a worker's STARTED cannot reach the stream ahead of it (the index
        // drops a QUEUED that arrives after the job's other events). Its confirm is awaited beside the job's.
        var queuedConfirmed = await transport.Events.SendAsync(EventCodec.Event(queued, EventSequences.Queued, idempotency, tenant), cancellationToken);
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
        metrics.Submitted(request.Model, tenant, gflop);
        IngestionLog.Queued(logger, jobId, request.Model, string.Join(",", queued.Queued.Methods));
        return new JobTicket { JobId = jobId, State = JobState.Queued, SubmittedUnixMs = now };
    }

    /// <summary>The earlier of the request's and the call's deadlines; the default one when neither is given.</summary>
    private static long Deadline(long requested, DateTimeOffset? callDeadline, long defaultDeadline)
    {
        long call = callDeadline is { } d && d < DateTimeOffset.MaxValue.AddDays(-1) ? d.ToUnixTimeMilliseconds() : 0;
        long deadline = requested == 0 ? call : call == 0 ? requested : Math.Min(requested, call);
        return deadline == 0 ? defaultDeadline : deadline;
    }
}
