using System.Diagnostics.Metrics;

namespace Explain.Jobs.Results;

/// <summary>Meter "Explain.Results": events indexed and dropped as duplicates, jobs held and forgotten, bytes held, Watch streams active, opened by tenant and ended for falling behind.</summary>
public sealed class ResultsMetrics
{
    public const string MeterName = "Explain.Results";

    private readonly Counter<long> _indexed;
    private readonly Counter<long> _duplicates;
    private readonly UpDownCounter<long> _watches;
    private readonly Counter<long> _watchStarted;
    private readonly Counter<long> _forgotten;
    private readonly Counter<long> _watchFellBehind;

    private readonly TenantLabels? _tenants;

    public ResultsMetrics(IMeterFactory meterFactory, Func<int>? jobsHeld = null, TenantLabels? tenants = null)
    {
        _tenants = tenants;
        var meter = meterFactory.Create(MeterName);
        _indexed = meter.CreateCounter<long>("explain.results.events.indexed", "{event}", "Job events accepted into the index.");
        _duplicates = meter.CreateCounter<long>("explain.results.events.duplicates", "{event}", "Redelivered or late events dropped (job id + sequence seen, or job ended).");
        _watches = meter.CreateUpDownCounter<long>("explain.watch.active_streams", "{stream}", "Watch (and Explain) streams open now.");
        _watchStarted = meter.CreateCounter<long>("explain.results.watch.started", "{stream}", "Watch streams opened, by tenant.");
        _forgotten = meter.CreateCounter<long>("explain.results.jobs.forgotten", "{job}", "Jobs dropped from the index by retention (count, bytes, age).");
        _watchFellBehind = meter.CreateCounter<long>("explain.results.watch.fell_behind", "{stream}", "Watch streams ended RESOURCE_EXHAUSTED because the client left their buffer unread.");
        JobsHeld = jobsHeld;
        meter.CreateObservableGauge("explain.results.jobs", () => JobsHeld?.Invoke() ?? 0, "{job}", "Jobs held in the index.");
        meter.CreateObservableGauge("explain.results.inline_bytes", () => InlineBytesHeld?.Invoke() ?? 0, "By", "Bytes of events the index holds in memory (heavy events stay in the stream).");
    }

    /// <summary>Set by the index once it exists (the gauge reads it).</summary>
    public Func<int>? JobsHeld { get; set; }

    /// <summary>Set by the index once it exists (the gauge reads it).</summary>
    public Func<long>? InlineBytesHeld { get; set; }

    public void Forgotten() => _forgotten.Add(1);

    public void WatchFellBehind() => _watchFellBehind.Add(1);

    public void Indexed() => _indexed.Add(1);

    public void Duplicate() => _duplicates.Add(1);

    public void WatchStarted(string tenant = "")
    {
        _watches.Add(1);
        _watchStarted.Add(1, new KeyValuePair<string, object?>("tenant", _tenants?.For(tenant) ?? TenantLabels.Anonymous));
    }

    public void WatchEnded() => _watches.Add(-1);
}
