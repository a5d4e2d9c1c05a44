using Microsoft.Extensions.Hosting;

namespace Explain.Telemetry.Hosting;

/// <summary>
/// Resolving <see cref="ExplainTelemetry"/> at start builds the meter provider before the
/// service's own hosted services record anything; the container disposes it with the host.
/// </summary>
internal sealed class TelemetryHostedService(ExplainTelemetry telemetry) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        GC.KeepAlive(telemetry);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
