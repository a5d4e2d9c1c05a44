using Explain.Cam.Models;
using Explain.Engine.Onnx;

namespace Explain.Cam.Output;

/// <summary>What the outputs say about the model: its name, labels, opset and producer.</summary>
public sealed record ModelInfo(string Name, IReadOnlyList<string> Labels, int Opset, string Producer)
{
    public static ModelInfo From(ModelCard card, OnnxModel model) => new(card.Name, card.Labels, model.Opset, model.Producer);

    public string Label(int index) => index >= 0 && index < Labels.Count ? Labels[index] : $"class {index}";
}
