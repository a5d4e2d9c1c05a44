using Explain.Jobs.Hosting;

namespace Explain.Jobs.Tests.Support;

/// <summary>
/// Ingestion and results, no worker (queued jobs stay queued), with small admission limits: a job
/// costs at most 10 GFLOP, each tenant's bucket holds 10 GFLOP and refills at 2 GFLOP/s.
/// </summary>
public sealed class QuotaServeFixture() : TenantsServeFixture("alpha", "rate", "other-tenant")
{
    public static readonly JobLimits QuotaLimits = JobLimits.Default with { MaxJobGflop = 10, TenantBurstGflop = 10, TenantGflopPerSecond = 2 };

    protected override ServeRoles Roles => ServeRoles.Ingestion | ServeRoles.Results;

    protected override JobsOptions Options => base.Options with { Limits = QuotaLimits };
}
