using Explain.Messaging;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Explain.Jobs.Health;

/// <summary>Unhealthy while the message transport is down (the broker connection is lost): jobs cannot travel.</summary>
public sealed class TransportHealthCheck(IMessageTransport transport) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(transport.IsConnected
            ? HealthCheckResult.Healthy("message transport connected")
            : HealthCheckResult.Unhealthy("message transport disconnected"));
}
