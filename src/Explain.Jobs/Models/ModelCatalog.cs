using System.Collections.Concurrent;
using Explain.Backends;
using Explain.Cam.Models;
using Explain.Engine.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Explain.Jobs.Models;

/// <summary>
/// The model store as the services see it: names, and per model its card and observable layers,
/// loaded once on first use (parsing a model takes a few hundred milliseconds; requests must not).
/// A model that fails to load is remembered as unavailable with the loader's message (logged at
/// warning once) until one of its files changes; asking for it is FAILED_PRECONDITION.
/// </summary>
public sealed class ModelCatalog(JobsOptions options, ILogger<ModelCatalog>? logger = null)
{
    private readonly ModelStore _store = new(options.ModelStore);
    private readonly ConcurrentDictionary<string, Lazy<Loaded>> _entries = new(StringComparer.Ordinal);
    private readonly ILogger _logger = logger ?? NullLogger<ModelCatalog>.Instance;

    public IEnumerable<string> Names => _store.Names;

    public string Root => _store.Root;

    /// <summary>
    /// The model named; NOT_FOUND (as <see cref="JobRejectedException"/>) when the store has none,
    /// FAILED_PRECONDITION when it does not load.
    /// </summary>
    public ModelEntry Get(string name)
    {
        if (!_store.Contains(name))
            throw JobRejectedException.NotFound("unknown_model", $"no model '{LogText.Of(name)}' in the model store (have: {string.Join(", ", _store.Names)})", "model", LogText.Of(name));
        var loaded = Lookup(name);
        return loaded.Entry ?? throw Unavailable(name, loaded.Error!);
    }

    /// <summary>Loads the model if it was not yet; whether it is usable and, if not, why.</summary>
    public (bool Available, string? Reason) Availability(string name)
    {
        var loaded = Lookup(name);
        return (loaded.Entry is not null, loaded.Error);
    }

    public ModelCard Card(string name) => Get(name).Card;

    /// <summary>Just the card (model.json, labels), without parsing the model.</summary>
    public ModelCard ReadCard(string name) => _store.Resolve(name);

    /// <summary>The refusal for a model that does not load (the worker raises it too).</summary>
    public static JobRejectedException Unavailable(string name, string reason) =>
        new(ErrorKind.FailedPrecondition, "model_unavailable", $"model '{LogText.Of(name)}' is unavailable: {reason}");

    private Loaded Lookup(string name)
    {
        while (true)
        {
            var lazy = _entries.GetOrAdd(name, n => new Lazy<Loaded>(() => Load(n, Stamp(n)), LazyThreadSafetyMode.ExecutionAndPublication));
            var loaded = lazy.Value;
            if (loaded.Entry is not null)
                return loaded; // every Submit comes here: no folder listing for a model that loaded
            // A failed model is tried again once its files change (an operator fixed it).
            if (loaded.Stamp == Stamp(name) || !_entries.TryRemove(new(name, lazy)))
                return loaded;
        }
    }

    private Loaded Load(string name, string stamp)
    {
        try
        {
            var card = _store.Resolve(name);
            // The graph as the configured backend reads it (ONNX Runtime by default; the managed engine's parser
            // only with --backend managed), and the tensors a worker on it can observe, on the CPU:
            // describing a graph needs no GPU, and ingestion hosts have none.
            using var backend = ExecutionBackends.Open(options.Backend with { Device = Cam.Backends.ExecutionDevice.Cpu, Threads = 1 }, card);
            var layers = backend.DescribeTensors();
            var inputs = backend.InputNames.Select(i => layers.First(l => l.Name == i)).ToList();
            var entry = new ModelEntry(card, backend.Opset, backend.Producer, inputs, layers, card.DefaultTargetLayer ?? layers.FirstOrDefault(l => l.IsDefaultTarget)?.Name)
            {
                // NOTE: admission only counts nodes and reads initializer shapes. The managed backend's graph is the one it
                // runs (shared, parsed once); any other backend's is read for description only, so a model whose operators
                // the managed engine lacks (LRASPP's Resize, issue 14) still loads for ONNX Runtime.
                Graph = options.Backend.Kind == Cam.Backends.BackendKind.Managed ? backend.Graph : Engine.Onnx.OnnxModel.Describe(card.OnnxPath),
                Outputs = new Worker.ModelOutputs(card.Task, card.Task.Output ?? card.ScoresOutput ?? backend.OutputNames[0],
                    backend.OutputNames.ToDictionary(o => o, o => layers.FirstOrDefault(l => l.Name == o)?.Shape ?? [], StringComparer.Ordinal)),
            };
            return new Loaded(entry, null, stamp);
        }
        catch (Exception e) when (IsLoadFailure(e))
        {
            string reason = LogText.Of(e.Message);
            ModelLog.Unavailable(_logger, name, reason);
            return new Loaded(null, reason, stamp);
        }
    }

    /// <summary>What a broken model raises: backend errors (ONNX Runtime's as ArgumentException; the managed engine's format, cycle, unsupported op), bad JSON, unreadable files.</summary>
    internal static bool IsLoadFailure(Exception e) =>
        e is EngineException or FormatException or System.Text.Json.JsonException or IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException;

    /// <summary>Sizes and write times of the model's folder: a changed file means a new load attempt.</summary>
    private string Stamp(string name)
    {
        try
        {
            var folder = new DirectoryInfo(Path.Combine(Root, name));
            return string.Join(';', folder.EnumerateFiles().OrderBy(f => f.Name, StringComparer.Ordinal)
                .Select(f => $"{f.Name}:{f.Length}:{f.LastWriteTimeUtc.Ticks}"));
        }
        catch (IOException)
        {
            return "";
        }
    }

    private sealed record Loaded(ModelEntry? Entry, string? Error, string Stamp);
}
