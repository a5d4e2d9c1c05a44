using System.Collections.Concurrent;
using Explain.Engine.Errors;

namespace Explain.Jobs;

/// <summary>
/// The <c>tenant</c> label of job metrics, with bounded cardinality: the first
/// <see cref="JobsOptions.MaxTenantLabels"/> tenants this process sees keep their name, every later
/// one is <c>other</c>; callers without authentication are <c>anonymous</c>. Each process keeps
/// its own first-seen set, so in a deployment the named set can differ between replicas.
/// </summary>
public sealed class TenantLabels(JobsOptions options)
{
    public const string Anonymous = "anonymous";

    public const string Other = "other";

    private readonly ConcurrentDictionary<string, string> _named = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    public string For(string? tenant)
    {
        if (string.IsNullOrEmpty(tenant))
            return Anonymous;
        if (_named.TryGetValue(tenant, out var label))
            return label;
        lock (_gate)
        {
            if (_named.TryGetValue(tenant, out label))
                return label;
            if (_named.Count >= options.MaxTenantLabels)
                return Other;
            return _named[tenant] = LogText.Of(tenant);
        }
    }
}
