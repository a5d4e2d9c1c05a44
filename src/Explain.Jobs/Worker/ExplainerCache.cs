using System.Diagnostics;
using Explain.Backends;
using Explain.Cam;
using Explain.Jobs.Models;

namespace Explain.Jobs.Worker;

/// <summary>
/// Loaded explainers (model + sessions with their buffers) kept between jobs: an LRU of idle
/// explainers, at most <see cref="JobsOptions.ModelCacheCapacity"/> in all. An explainer is not
/// thread-safe, so a job rents one exclusively and returns it; two concurrent jobs on one model
/// use two explainers (the second one is loaded, then cached too).
/// </summary>
public sealed class ExplainerCache(ModelCatalog catalog, JobsOptions options, WorkerMetrics metrics)
{
    private readonly object _gate = new();
    private readonly LinkedList<Explainer> _idle = []; // most recently returned first

    public int IdleCount
    {
        get { lock (_gate) return _idle.Count; }
    }

    /// <summary>An explainer for the model, from the cache or freshly loaded; give it back with <see cref="Return"/>.</summary>
    public Explainer Rent(string model)
    {
        lock (_gate)
        {
            for (var node = _idle.First; node is not null; node = node.Next)
            {
                if (node.Value.Card.Name == model)
                {
                    _idle.Remove(node);
                    metrics.CacheHit();
                    return node.Value;
                }
            }
        }
        metrics.CacheMiss();
        var clock = Stopwatch.StartNew();
        var card = catalog.Card(model);
        Explainer explainer;
        try
        {
            explainer = new Explainer(ExecutionBackends.Open(options.Backend with { Threads = options.ThreadsPerJob }, card), card);
        }
        catch (Exception e) when (ModelCatalog.IsLoadFailure(e))
        {
            // The catalog loaded it, but its files changed since: as unavailable as a model that never loaded.
            throw ModelCatalog.Unavailable(model, e.Message);
        }

        metrics.ModelLoaded(clock.Elapsed.TotalMilliseconds);
        return explainer;
    }

    /// <summary>Returns a rented explainer; the least recently used idle one is dropped (its native sessions released) beyond capacity.</summary>
    public void Return(Explainer explainer)
    {
        var evicted = new List<Explainer>();
        lock (_gate)
        {
            _idle.AddFirst(explainer);
            while (_idle.Count > Math.Max(options.ModelCacheCapacity, 0))
            {
                evicted.Add(_idle.Last!.Value);
                _idle.RemoveLast();
            }
        }
        foreach (var e in evicted)
            e.Dispose();
    }
}
