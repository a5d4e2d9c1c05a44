using Explain.Jobs.Models;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Explain.Jobs.Health;

/// <summary>Unhealthy while the model store folder cannot be read (a volume not mounted yet, or gone).</summary>
public sealed class ModelStoreHealthCheck(ModelCatalog catalog) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            int models = catalog.Names.Count();
            return Task.FromResult(Directory.Exists(catalog.Root)
                ? HealthCheckResult.Healthy($"{models} models")
                : HealthCheckResult.Unhealthy($"model store '{catalog.Root}' is missing"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"model store '{catalog.Root}' cannot be read: {e.Message}"));
        }
    }
}
