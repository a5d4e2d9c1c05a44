using Explain.Cam.Models;
using Explain.Engine.Graph;
using Explain.Imaging.Preprocessing;

namespace Explain.Jobs.Models;

/// <summary>
/// What ingestion and the Models service know about one model: its card, what the backend read from
/// the graph (opset, producer, the fed inputs with their shapes at batch 1) and its observable layers.
/// </summary>
public sealed record ModelEntry(ModelCard Card, int Opset, string Producer, IReadOnlyList<TensorInfo> Inputs, IReadOnlyList<TensorInfo> Layers, string? DefaultLayer)
{
    private readonly HashSet<string> _layerNames = Layers.Select(l => l.Name).ToHashSet(StringComparer.Ordinal);

    /// <summary>Preprocessing for pictures; null when the model has no model.json (tensors only).</summary>
    public PreprocessSpec? Spec { get; } = Card.Json is { } json ? PreprocessSpec.FromModelJson(json) : null;

    /// <summary>The graph as imported (node list, initializer shapes): what admission counts a pass's FLOPs from.</summary>
    public required Explain.Engine.Onnx.OnnxModel Graph { get; init; }

    /// <summary>The model's task and its outputs' shapes at batch 1: what target checks need before a job is queued.</summary>
    public Worker.ModelOutputs? Outputs { get; init; }

    public bool HasLayer(string name) => _layerNames.Contains(name);
}
