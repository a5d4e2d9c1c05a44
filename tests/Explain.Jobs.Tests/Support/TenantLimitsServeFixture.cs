namespace Explain.Jobs.Tests.Support;

/// <summary>The whole suite with tenants alpha, beta and gamma: two concurrent jobs per tenant, metric labels for the first two tenants seen, /metrics open.</summary>
public sealed class TenantLimitsServeFixture() : TenantsServeFixture("alpha", "beta", "gamma")
{
    protected override bool OpenHttpPort => true;

    protected override JobsOptions Options => base.Options with { Limits = JobLimits.Default with { MaxConcurrentJobsPerTenant = 2 }, MaxTenantLabels = 2 };
}
