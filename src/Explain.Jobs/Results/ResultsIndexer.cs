using Explain.Jobs.Admission;
using Explain.Messaging;
using Google.Protobuf;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Explain.Jobs.Results;

/// <summary>
/// Feeds the results index from the events stream: the whole retained log first (rebuilding the
/// index after a restart), then live events. Resubscribing after a failure replays again; the
/// index drops what it has already seen (job id + sequence), so that is harmless. In an ingestion
/// host it also tells admission which jobs are queued and which ended (<see cref="ActiveJobs"/>).
/// Until a subscription has replayed the retained log the index says so (<see cref="ResultsIndex.Replaying"/>):
/// a job it does not know yet may still be on the way, so lookups answer UNAVAILABLE, not NOT_FOUND.
/// </summary>
public sealed class ResultsIndexer(IMessageTransport transport, ResultsIndex index, ILogger<ResultsIndexer> logger, ActiveJobs? activeJobs = null) : BackgroundService
{
    /// <summary>
    /// Marks the index replaying before the host goes on: .NET 10 runs ExecuteAsync wholly in the background, so
    /// without this a request arriving first would find an index that claims to be caught up and is empty.
    /// </summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        index.BeginReplay();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        int delayMs = 100;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                ResultsLog.Subscribing(logger);
                index.BeginReplay();
                await foreach (var envelope in transport.Events.SubscribeAsync(stoppingToken, null, index.EndReplay))
                {
                    Apply(envelope);
                    delayMs = 100;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                ResultsLog.SubscriptionFailed(logger, e, delayMs);
                await Task.Delay(delayMs, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                delayMs = Math.Min(delayMs * 2, 5_000);
            }
        }
    }

    private void Apply(JobEventEnvelope envelope)
    {
        try
        {
            index.Apply(envelope);
            activeJobs?.Observe(envelope);
        }
        catch (InvalidProtocolBufferException e)
        {
            ResultsLog.BadEvent(logger, e, envelope.JobId, envelope.Sequence);
        }
    }
}
