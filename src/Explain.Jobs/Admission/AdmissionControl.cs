using System.Collections.Concurrent;
using System.Globalization;
using Explain.Engine.Errors;
using Explain.Jobs.Models;
using Explain.V1;

namespace Explain.Jobs.Admission;

/// <summary>
/// Decides, before anything is queued, whether a request may run: its estimated cost
/// (<see cref="JobCost"/>) within the per-request maximum, its tenant under its concurrent-jobs
/// limit, and the cost available in the tenant's token bucket. Refusals are RESOURCE_EXHAUSTED with
/// a QuotaFailure naming the tenant and the limit; RetryInfo says when waiting helps (the bucket
/// holds the cost then; a concurrency slot is guessed at <see cref="ConcurrencyRetryAfter"/>).
/// </summary>
public sealed class AdmissionControl(JobLimits limits, ActiveJobs active, TimeProvider clock)
{
    /// <summary>What a tenant at its concurrency limit is told to wait: a job's end cannot be foreseen.</summary>
    public static readonly TimeSpan ConcurrencyRetryAfter = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, ModelCost> _models = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TokenBucket> _buckets = new(StringComparer.Ordinal);

    public AdmissionControl(JobLimits limits, ActiveJobs active) : this(limits, active, TimeProvider.System)
    {
    }

    /// <summary>The request's estimated cost in GFLOP on the model (the graph is counted once per loaded model).</summary>
    public double Estimate(ExplainRequest request, ModelEntry entry)
    {
        var cost = _models.AddOrUpdate(entry.Card.Name, _ => new ModelCost(entry.Graph, entry.Layers), (_, known) => ReferenceEquals(known.Model, entry.Graph) ? known : new ModelCost(entry.Graph, entry.Layers));
        var layers = request.Layers.Count > 0 ? request.Layers.ToList() : [entry.DefaultLayer!];
        return JobCost.Gflop(request, layers, cost);
    }

    /// <summary>Admits the job or throws; an admitted job holds a concurrency slot and its cost, given back by <see cref="Release"/> if it is not queued after all.</summary>
    /// <exception cref="JobRejectedException">RESOURCE_EXHAUSTED: which limit, for which tenant.</exception>
    public void Admit(string tenant, string jobId, double gflop, long deadlineUnixMs)
    {
        string subject = Subject(tenant);
        if (gflop > limits.MaxJobGflop)
            throw new JobRejectedException(ErrorKind.ResourceExhausted, "job_cost_over_limit",
                $"the job's estimated cost {Format(gflop)} GFLOP is over the per-request maximum of {Format(limits.MaxJobGflop)} GFLOP; ask for fewer methods, classes, layers or metrics")
            { QuotaSubject = subject, QuotaDescription = $"per-request maximum cost {Format(limits.MaxJobGflop)} GFLOP" };
        if (!active.TryReserve(tenant, jobId, deadlineUnixMs, limits.MaxConcurrentJobsPerTenant))
            throw new JobRejectedException(ErrorKind.ResourceExhausted, "tenant_concurrency",
                $"{subject} has {limits.MaxConcurrentJobsPerTenant} jobs queued or running, its limit; retry when one ends")
            { QuotaSubject = subject, QuotaDescription = $"concurrent jobs per tenant {limits.MaxConcurrentJobsPerTenant}", RetryAfter = ConcurrencyRetryAfter };
        var bucket = Bucket(tenant);
        if (!bucket.TryTake(gflop, out var wait))
        {
            active.End(jobId);
            throw new JobRejectedException(ErrorKind.ResourceExhausted, "tenant_rate",
                $"{subject} is over its rate of {Format(limits.TenantGflopPerSecond)} GFLOP/s (burst {Format(limits.TenantBurstGflop)}); this job needs {Format(gflop)} GFLOP, available in {wait.TotalSeconds:0.###} s")
            { QuotaSubject = subject, QuotaDescription = $"per-tenant rate {Format(limits.TenantGflopPerSecond)} GFLOP/s, burst {Format(limits.TenantBurstGflop)} GFLOP", RetryAfter = wait };
        }
    }

    /// <summary>Gives back what <see cref="Admit"/> took for a job that was not queued.</summary>
    public void Release(string tenant, string jobId, double gflop)
    {
        active.End(jobId);
        Bucket(tenant).Refund(gflop);
    }

    /// <summary>The tenant's bucket, for tests and diagnostics.</summary>
    internal TokenBucket Bucket(string tenant) =>
        _buckets.GetOrAdd(tenant, _ => new TokenBucket(limits.TenantGflopPerSecond, limits.TenantBurstGflop, clock));

    /// <summary>QuotaFailure's subject: "tenant:NAME", "tenant:(anonymous)" without authentication.</summary>
    public static string Subject(string tenant) => "tenant:" + (tenant.Length == 0 ? "(anonymous)" : LogText.Of(tenant));

    private static string Format(double gflop) => gflop.ToString(gflop < 10 ? "0.###" : "0.#", CultureInfo.InvariantCulture);
}
