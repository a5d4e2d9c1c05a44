namespace Explain.Jobs.Tests.Support;

/// <summary>A server with a small image limit (100 000 pixels), for the bad-request tests.</summary>
public sealed class SmallLimitsServeFixture : ServeFixture
{
    protected override JobsOptions Options => base.Options with { Limits = JobLimits.Default with { Image = new(16L << 20, 100_000) } };
}
