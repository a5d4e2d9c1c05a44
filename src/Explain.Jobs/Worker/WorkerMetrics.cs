using System.Diagnostics.Metrics;

namespace Explain.Jobs.Worker;

/// <summary>
/// Meter "Explain.Worker": jobs completed / failed (by status code) / cancelled, each by tenant, queue wait, compute
/// time by stage, end-to-end time (submit → terminal event), jobs in flight, model cache hits,
/// misses and loads (with load time).
/// </summary>
public sealed class WorkerMetrics
{
    public const string MeterName = "Explain.Worker";

    private readonly Counter<long> _completed;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _cancelled;
    private readonly Histogram<double> _queueWait;
    private readonly Histogram<double> _compute;
    private readonly Histogram<double> _endToEnd;
    private readonly UpDownCounter<long> _inFlight;
    private readonly Counter<long> _cacheHits;
    private readonly Counter<long> _cacheMisses;
    private readonly Histogram<double> _modelLoad;
    private readonly Counter<long> _modelLoads;

    private readonly TenantLabels _tenants;

    public WorkerMetrics(IMeterFactory meterFactory, TenantLabels tenants)
    {
        _tenants = tenants;
        var meter = meterFactory.Create(MeterName);
        _completed = meter.CreateCounter<long>("explain.jobs.completed", "{job}", "Jobs that ended COMPLETED.");
        _failed = meter.CreateCounter<long>("explain.jobs.failed", "{job}", "Jobs that ended FAILED, by status code.");
        _cancelled = meter.CreateCounter<long>("explain.jobs.cancelled", "{job}", "Jobs that ended CANCELLED.");
        _queueWait = meter.CreateHistogram<double>("explain.job.queue_wait", "s", "Submit to start of work.");
        _compute = meter.CreateHistogram<double>("explain.job.compute", "s", "Compute time by stage (decode, forward, backward, each method, render).");
        _endToEnd = meter.CreateHistogram<double>("explain.job.end_to_end", "s", "Submit to terminal event.");
        _inFlight = meter.CreateUpDownCounter<long>("explain.worker.jobs_in_flight", "{job}", "Jobs being worked on now.");
        _cacheHits = meter.CreateCounter<long>("explain.model_cache.hits", "{lookup}", "Explainer taken from the cache.");
        _cacheMisses = meter.CreateCounter<long>("explain.model_cache.misses", "{lookup}", "No cached explainer: a model load follows.");
        _modelLoads = meter.CreateCounter<long>("explain.model_cache.loads", "{load}", "Models loaded into the cache.");
        _modelLoad = meter.CreateHistogram<double>("explain.model_cache.load_duration", "s", "Model loads (parse, explainer build); the count is the number of loads.");
    }

    public void Completed(string model, string tenant) => _completed.Add(1, new KeyValuePair<string, object?>("model", model), Tenant(tenant));

    public void Failed(string code, string tenant) => _failed.Add(1, new KeyValuePair<string, object?>("code", code), Tenant(tenant));

    public void Cancelled(string tenant) => _cancelled.Add(1, Tenant(tenant));

    private KeyValuePair<string, object?> Tenant(string tenant) => new("tenant", _tenants.For(tenant));

    public void QueueWait(double milliseconds) => _queueWait.Record(milliseconds / 1000);

    public void Stage(string stage, double milliseconds) => _compute.Record(milliseconds / 1000, new KeyValuePair<string, object?>("stage", stage));

    public void EndToEnd(double milliseconds, string outcome) => _endToEnd.Record(milliseconds / 1000, new KeyValuePair<string, object?>("outcome", outcome));

    public void JobStarted() => _inFlight.Add(1);

    public void JobEnded() => _inFlight.Add(-1);

    public void CacheHit() => _cacheHits.Add(1);

    public void CacheMiss() => _cacheMisses.Add(1);

    public void ModelLoaded(double milliseconds)
    {
        _modelLoad.Record(milliseconds / 1000);
        _modelLoads.Add(1);
    }
}
