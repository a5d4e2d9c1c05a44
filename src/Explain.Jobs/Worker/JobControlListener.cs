using Explain.Api;
using Explain.Messaging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Explain.Jobs.Worker;

/// <summary>Feeds <see cref="JobControl"/> from the events stream: cancel requests and terminal events.</summary>
public sealed class JobControlListener(IMessageTransport transport, JobControl control, ILogger<JobControlListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        int delayMs = 100;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Only cancel requests and terminal events matter here; heatmaps are skipped unread.
                await foreach (var envelope in transport.Events.SubscribeAsync(stoppingToken, s => s is EventSequences.CancelRequest or EventSequences.Terminal))
                {
                    var message = EventCodec.Parse(envelope);
                    if (message.CancelRequested is not null)
                        control.CancelRequested(envelope.JobId);
                    else if (message.Event is { } e && ApiMethods.IsTerminal(e))
                        control.Finished(envelope.JobId);
                    delayMs = 100;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                WorkerLog.ControlStreamFailed(logger, e, delayMs);
                await Task.Delay(delayMs, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                delayMs = Math.Min(delayMs * 2, 5_000);
            }
        }
    }
}
