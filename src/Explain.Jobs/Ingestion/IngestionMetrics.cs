using System.Diagnostics.Metrics;

namespace Explain.Jobs.Ingestion;

/// <summary>Meter "Explain.Ingestion": jobs submitted (by model and tenant), rejected (by reason and tenant), cancel requests, validation time, admitted cost.</summary>
public sealed class IngestionMetrics
{
    public const string MeterName = "Explain.Ingestion";

    private readonly Counter<long> _submitted;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _cancelRequests;
    private readonly Histogram<double> _validation;
    private readonly Counter<double> _admittedCost;
    private readonly TenantLabels _tenants;

    public IngestionMetrics(IMeterFactory meterFactory, TenantLabels tenants)
    {
        _tenants = tenants;
        var meter = meterFactory.Create(MeterName);
        _submitted = meter.CreateCounter<long>("explain.jobs.submitted", "{job}", "Jobs accepted and queued.");
        _rejected = meter.CreateCounter<long>("explain.jobs.rejected", "{job}", "Requests refused before queuing, by reason.");
        _cancelRequests = meter.CreateCounter<long>("explain.jobs.cancel_requests", "{request}", "Cancel calls recorded.");
        _validation = meter.CreateHistogram<double>("explain.ingestion.validation.duration", "s", "Time to validate a request (decode included).");
        _admittedCost = meter.CreateCounter<double>("explain.jobs.admitted_cost", "GFLOP", "Estimated cost of the jobs queued, by tenant.");
    }

    public void Submitted(string model, string tenant, double gflop)
    {
        var label = new KeyValuePair<string, object?>("tenant", _tenants.For(tenant));
        _submitted.Add(1, new KeyValuePair<string, object?>("model", model), label);
        _admittedCost.Add(gflop, label);
    }

    public void Rejected(string reason, string tenant) =>
        _rejected.Add(1, new KeyValuePair<string, object?>("reason", reason), new KeyValuePair<string, object?>("tenant", _tenants.For(tenant)));

    public void CancelRequested() => _cancelRequests.Add(1);

    public void Validated(double milliseconds) => _validation.Record(milliseconds / 1000);
}
