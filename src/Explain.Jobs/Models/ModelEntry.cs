using Explain.Cam.Models;
using Explain.Engine.Graph;
using Explain.Engine.Onnx;
using Explain.Imaging.Preprocessing;

namespace Explain.Jobs.Models;

/// <summary>What ingestion and the Models service know about one model: its card, graph and observable layers.</summary>
public sealed record ModelEntry(ModelCard Card, OnnxModel Model, IReadOnlyList<TensorInfo> Layers, string? DefaultLayer)
{
    private readonly HashSet<string> _layerNames = Layers.Select(l => l.Name).ToHashSet(StringComparer.Ordinal);

    /// <summary>Preprocessing for pictures; null when the model has no model.json (tensors only).</summary>
    public PreprocessSpec? Spec { get; } = Card.Json is { } json ? PreprocessSpec.FromModelJson(json) : null;

    public bool HasLayer(string name) => _layerNames.Contains(name);
}
