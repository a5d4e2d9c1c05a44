using Explain.Api;
using Explain.Messaging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Explain.Jobs.Worker;

/// <summary>Feeds <see cref="JobControl"/> from the control stream: cancel requests and job-ended markers.</summary>
public sealed class JobControlListener(IMessageTransport transport, JobControl control, ILogger<JobControlListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        int delayMs = 100;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var envelope in transport.Control.SubscribeAsync(stoppingToken))
                {
                    var message = EventCodec.Parse(envelope);
                    if (message.CancelRequested is not null)
                        control.CancelRequested(envelope.JobId);
                    else if (message.JobEnded is not null)
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
