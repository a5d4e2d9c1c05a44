using Explain.Cam.Models;
using Explain.Cam.Backends;

namespace Explain.Cam.Output;

/// <summary>What the outputs say about the model: its name, labels, opset and producer.</summary>
public sealed record ModelInfo(string Name, IReadOnlyList<string> Labels, int Opset, string Producer)
{
    /// <summary>The execution backend that made the maps ("ort cpu", "managed").</summary>
    public string Backend { get; init; } = "";

    public static ModelInfo From(ModelCard card, IModelBackend backend) => new(card.Name, card.Labels, backend.Opset, backend.Producer) { Backend = backend.Name };

    public string Label(int index) => index >= 0 && index < Labels.Count ? Labels[index] : $"class {index}";
}
