using Explain.Engine.Errors;
using Explain.Imaging;
using Explain.Internal.V1;
using Explain.Messaging;
using Explain.V1;
using Google.Protobuf;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Explain.Jobs.Worker;

/// <summary>
/// The worker: consumes jobs with prefetch = concurrency and runs up to that many at once. Each
/// delivery is acknowledged only after the job's terminal event is confirmed on the stream. Jobs
/// that already ended are acknowledged at once; a job delivered more than
/// <see cref="JobsOptions.MaxDeliveries"/> times (its workers kept dying) ends FAILED; a cancelled
/// job ends CANCELLED; a job past its deadline ends FAILED with DEADLINE_EXCEEDED.
/// </summary>
public sealed class WorkerService(IMessageTransport transport, JobRunner runner, JobEnding ending, JobControl control, JobsOptions options, WorkerMetrics metrics, ILogger<WorkerService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        int concurrency = Math.Max(1, options.WorkerConcurrency), delayMs = 100;
        using var slots = new SemaphoreSlim(concurrency);
        var running = new List<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var delivery in transport.Jobs.ConsumeAsync(concurrency, stoppingToken))
                {
                    await slots.WaitAsync(stoppingToken);
                    running.RemoveAll(t => t.IsCompleted);
                    running.Add(Task.Run(async () =>
                    {
                        Task announced;
                        try
                        {
                            announced = await HandleAsync(delivery, stoppingToken);
                        }
                        finally
                        {
                            slots.Release(); // the job is acked (or requeued): the next one may start while its end is announced
                        }
                        await announced;
                    }, CancellationToken.None));
                    delayMs = 100;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                WorkerLog.ConsumerFailed(logger, e, delayMs);
                await Task.Delay(delayMs, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                delayMs = Math.Min(delayMs * 2, 5_000);
            }
        }
        await Task.WhenAll(running).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>
    /// Runs or refuses one delivery and settles it: the terminal event confirmed, then the ack (the
    /// job is done; its slot and the broker's credit go to the next job at once), then the returned
    /// task announces the end (job-ended marker on the control stream, metrics, log). The marker
    /// only lets workers skip a redelivery of a job whose ack was lost, so it may follow the ack.
    /// </summary>
    private async Task<Task> HandleAsync(JobDelivery delivery, CancellationToken stoppingToken)
    {
        string id = delivery.Job.JobId;
        using var span = JobTracing.StartJob(delivery);
        try
        {
            var job = JobMessage.Parser.ParseFrom(delivery.Job.Body.Span);
            var refusal = Gate(job, delivery.DeliveryCount);
            if (refusal is null && control.IsFinished(id))
            {
                WorkerLog.AlreadyFinished(logger, id);
                await delivery.AckAsync();
                return Task.CompletedTask;
            }
            var end = refusal ?? await RunAsync(job, delivery, stoppingToken);
            JobTracing.End(span, end);
            return await SettleAsync(job, end, delivery);
        }
        catch (InvalidProtocolBufferException e)
        {
            return await SettleAsync(new JobMessage { JobId = id }, EventCodec.Failed(id, ErrorKind.Internal, "undecodable job: " + e.Message), delivery);
        }
        catch (Exception e) when (e is OperationCanceledException && stoppingToken.IsCancellationRequested || e is RequeueException)
        {
            if (e.InnerException is { } inner)
                WorkerLog.Requeued(logger, inner, id, delivery.DeliveryCount);
            await delivery.RejectAsync(requeue: true).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        catch (Exception e)
        {
            WorkerLog.SettleFailed(logger, e, id);
            await delivery.RejectAsync(requeue: true).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        return Task.CompletedTask;
    }

    private async Task<Task> SettleAsync(JobMessage job, JobEvent end, JobDelivery delivery)
    {
        await ending.PublishTerminalAsync(end);
        await delivery.AckAsync();
        return AnnounceAsync(job, end);
    }

    private async Task AnnounceAsync(JobMessage job, JobEvent end)
    {
        try
        {
            await ending.AnnounceAsync(job, end);
        }
        catch (Exception e)
        {
            WorkerLog.SettleFailed(logger, e, job.JobId);
        }
    }

    /// <summary>A terminal event for a job that must not run, or null.</summary>
    private JobEvent? Gate(JobMessage job, int deliveries)
    {
        if (control.IsFinished(job.JobId))
            return null;
        if (deliveries > options.MaxDeliveries)
            return EventCodec.Failed(job.JobId, ErrorKind.Internal, $"the job was delivered {deliveries} times; its workers kept failing");
        if (control.IsCancelled(job.JobId))
            return EventCodec.Cancelled(job.JobId, "cancelled before it started");
        if (job.DeadlineUnixMs != 0 && job.DeadlineUnixMs <= EventCodec.NowUnixMs())
            return EventCodec.Failed(job.JobId, ErrorKind.DeadlineExceeded, "the job's deadline passed while it was queued");
        return null;
    }

    private async Task<JobEvent> RunAsync(JobMessage job, JobDelivery delivery, CancellationToken stoppingToken)
    {
        var cancel = control.Register(job.JobId);
        using var deadline = new CancellationTokenSource();
        if (job.DeadlineUnixMs != 0)
            deadline.CancelAfter(TimeSpan.FromMilliseconds(Math.Max(0, job.DeadlineUnixMs - EventCodec.NowUnixMs())));
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancel.Token, deadline.Token, stoppingToken);
        metrics.JobStarted();
        WorkerLog.Started(logger, job.JobId, delivery.DeliveryCount, EventCodec.NowUnixMs() - job.SubmittedUnixMs);
        try
        {
            return await runner.RunAsync(job, delivery.DeliveryCount, linked.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return cancel.IsCancellationRequested
                ? EventCodec.Cancelled(job.JobId, "cancelled while running")
                : EventCodec.Failed(job.JobId, ErrorKind.DeadlineExceeded, "the job's deadline passed while it was running");
        }
        catch (Exception e) when (JobFailures.Deterministic(e) is { } code)
        {
            // The same job fails the same way on any worker: end it now, never redeliver it.
            return EventCodec.Failed(job.JobId, code, e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException && delivery.DeliveryCount < options.MaxDeliveries)
        {
            throw new RequeueException(e);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return EventCodec.Failed(job.JobId, ErrorKind.Internal, e.Message);
        }
        finally
        {
            metrics.JobEnded();
            control.Unregister(job.JobId, cancel);
        }
    }

    private sealed class RequeueException(Exception inner) : Exception(inner.Message, inner);
}
