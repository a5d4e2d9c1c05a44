using Explain.Messaging;

namespace Explain.Jobs.Tests.Support;

/// <summary>`explain serve` that keeps 2 jobs and, in its in-memory events log, 40 events.</summary>
public sealed class RetentionServeFixture : ServeFixture
{
    public const int Jobs = 2, Events = 40;

    private static readonly EventRetention Retention = EventRetention.InMemoryDefault with { MaxEvents = Events };

    protected override JobsOptions Options => base.Options with { MaxRetainedJobs = Jobs, Retention = Retention, WatchGrace = TimeSpan.FromSeconds(1) };

    protected override InMemoryTransport CreateTransport() => new(new InMemoryTransportOptions { EventRetention = Retention });
}
