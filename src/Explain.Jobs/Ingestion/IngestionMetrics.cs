using System.Diagnostics.Metrics;

namespace Explain.Jobs.Ingestion;

/// <summary>Meter "Explain.Ingestion": jobs submitted, rejected by reason, cancel requests, validation time.</summary>
public sealed class IngestionMetrics
{
    public const string MeterName = "Explain.Ingestion";

    private readonly Counter<long> _submitted;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _cancelRequests;
    private readonly Histogram<double> _validation;

    public IngestionMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _submitted = meter.CreateCounter<long>("explain.jobs.submitted", "{job}", "Jobs accepted and queued.");
        _rejected = meter.CreateCounter<long>("explain.jobs.rejected", "{job}", "Requests refused before queuing, by reason.");
        _cancelRequests = meter.CreateCounter<long>("explain.jobs.cancel_requests", "{request}", "Cancel calls recorded.");
        _validation = meter.CreateHistogram<double>("explain.ingestion.validation.duration", "s", "Time to validate a request (decode included).");
    }

    public void Submitted(string model) => _submitted.Add(1, new KeyValuePair<string, object?>("model", model));

    public void Rejected(string reason) => _rejected.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void CancelRequested() => _cancelRequests.Add(1);

    public void Validated(double milliseconds) => _validation.Record(milliseconds / 1000);
}
