using System.Collections.Concurrent;
using Explain.Backends;
using Explain.Cam.Models;
using Explain.Engine.Onnx;

namespace Explain.Jobs.Models;

/// <summary>
/// The model store as the services see it: names, and per model its card and observable layers,
/// loaded once on first use (parsing a model takes a few hundred milliseconds; requests must not).
/// </summary>
public sealed class ModelCatalog(JobsOptions options)
{
    private readonly ModelStore _store = new(options.ModelStore);
    private readonly ConcurrentDictionary<string, Lazy<ModelEntry>> _entries = new(StringComparer.Ordinal);

    public IEnumerable<string> Names => _store.Names;

    public string Root => _store.Root;

    /// <summary>The model named; NOT_FOUND (as <see cref="JobRejectedException"/>) when the store has none.</summary>
    public ModelEntry Get(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('/') || name.Contains('\\') || name.Contains("..") || !_store.Names.Contains(name, StringComparer.Ordinal))
            throw JobRejectedException.NotFound("unknown_model", $"no model '{name}' in the model store (have: {string.Join(", ", _store.Names)})");
        var lazy = _entries.GetOrAdd(name, n => new Lazy<ModelEntry>(() => Load(n), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return lazy.Value;
        }
        catch
        {
            _entries.TryRemove(name, out _);
            throw;
        }
    }

    public ModelCard Card(string name) => Get(name).Card;

    /// <summary>Just the card (model.json, labels), without parsing the model.</summary>
    public ModelCard ReadCard(string name) => _store.Resolve(name);

    private ModelEntry Load(string name)
    {
        var card = _store.Resolve(name);
        var model = OnnxModel.Load(card.OnnxPath);
        // Layers as the configured backend sees them (the tensors a worker on it can observe), on the CPU:
        // describing a graph needs no GPU, and ingestion hosts have none.
        using var backend = ExecutionBackends.Open(options.Backend with { Device = Cam.Backends.ExecutionDevice.Cpu, Threads = 1 }, card);
        var layers = backend.DescribeTensors();
        return new ModelEntry(card, model, layers, card.DefaultTargetLayer ?? layers.FirstOrDefault(l => l.IsDefaultTarget)?.Name);
    }
}
