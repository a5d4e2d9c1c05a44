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

    /// <summary>
    /// <see cref="Gradients"/> for seeds laid out as targets write them, one flat row per target and batch row
    /// ([K·B, values per sample]): shaped to the output first ([K·B, C, H, W] for a segmentation output,
    /// [K·B, N, columns] for a detector's), as the backends take seeds of the output's own rank.
    /// </summary>
    public IReadOnlyDictionary<string, Tensor> GradientsOfRows(string output, Tensor seeds, GradientMode mode, IReadOnlyList<string> at)
    {
        if (seeds.Rank == 2 && Outputs.TryGetValue(output, out var y) && y.Rank > 2)
            seeds = seeds.Reshape([seeds.Shape[0], .. y.Shape[1..]]);
        return Gradients(output, seeds, mode, at);
    }
}
