using Explain.Engine.Tensors;

namespace Explain.Cam.Backends;

/// <summary>One forward pass's outputs and observed tensors, from which gradients can be asked.</summary>
public abstract class ForwardPass(IReadOnlyDictionary<string, Tensor> outputs, IReadOnlyDictionary<string, Tensor> observed)
{
    /// <summary>The model's outputs, by ONNX name.</summary>
    public IReadOnlyDictionary<string, Tensor> Outputs { get; } = outputs;

    /// <summary>The observed tensors, by ONNX name, exactly as computed.</summary>
    public IReadOnlyDictionary<string, Tensor> Observed { get; } = observed;

    /// <summary>
    /// Gradients of <paramref name="output"/> seeded by <paramref name="seeds"/> [K·B, ...] (row t·B + b seeds
    /// target t on batch row b) at each tensor of <paramref name="at"/> (observed tensors or graph inputs),
    /// as [K·B, ...] in the same row order. All K seeds run in one pass.
    /// </summary>
    public abstract IReadOnlyDictionary<string, Tensor> Gradients(string output, Tensor seeds, GradientMode mode, IReadOnlyList<string> at);
}
