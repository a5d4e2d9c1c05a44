using Explain.Engine.Tensors;

namespace Explain.Engine.Graph;

/// <summary>The model's outputs and the observed tensors of one forward pass, by ONNX name.</summary>
public sealed record ForwardResult(IReadOnlyDictionary<string, Tensor> Outputs, IReadOnlyDictionary<string, Tensor> Observed);
