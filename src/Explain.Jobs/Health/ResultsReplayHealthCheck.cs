using Explain.Jobs.Results;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Explain.Jobs.Health;

/// <summary>
/// Unhealthy while the process's results index is still replaying the events stream (after a start or a
/// resubscription): until it has read what the stream retains it may not know a job asked for (Results) or an
/// idempotency key being retried (Explainer), so the pod is not ready for traffic that needs either.
/// </summary>
public sealed class ResultsReplayHealthCheck(ResultsIndex index) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(index.Replaying
            ? HealthCheckResult.Unhealthy("replaying the events stream into the results index")
            : HealthCheckResult.Healthy("results index caught up with the events stream"));
}
