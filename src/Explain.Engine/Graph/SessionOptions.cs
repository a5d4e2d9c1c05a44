namespace Explain.Engine.Graph;

/// <summary>What a <see cref="Session"/> computes besides the model's outputs.</summary>
public sealed class SessionOptions
{
    /// <summary>Intermediate (or input) tensors, by ONNX name, returned by every forward pass. Optimizations never change them.</summary>
    public IReadOnlyList<string> Observe { get; init; } = [];

    /// <summary>Backward passes return gradients at the observed tensors.</summary>
    public bool Gradients { get; init; }

    /// <summary>Backward passes return gradients at the graph inputs.</summary>
    public bool InputGradients { get; init; }

    /// <summary>Threads a kernel may use; defaults to the machine's processor count.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Input shapes to plan for; by default taken from the first inputs run.</summary>
    public IReadOnlyDictionary<string, int[]>? InputShapes { get; init; }

    /// <summary>
    /// Tensors from which <see cref="Session.RunFrom"/> may re-run the rest of the graph with a
    /// replacement value (Ablation-CAM re-runs only the layers after the target). They are kept
    /// exactly as computed, like observed tensors.
    /// </summary>
    public IReadOnlyList<string> ResumeFrom { get; init; } = [];

    /// <summary>Fold BatchNormalization into convolutions and fuse activations (never across an observed tensor).</summary>
    public bool Optimize { get; init; } = true;
}
