namespace Explain.Cam.Pipeline;

/// <summary>
/// What a method reads from the shared passes. The explainer ORs the needs of every requested
/// method and runs each pass once for all of them, all targets and all layers: one forward pass
/// observing the union of tensors, one standard backward for every gradient asked (layers, bias
/// points, input), one guided backward when any method reads guided input gradients.
/// </summary>
[Flags]
public enum MethodNeeds
{
    None = 0,

    /// <summary>The target layers' activations A (the shared forward pass).</summary>
    Activations = 1,

    /// <summary>∂y/∂A at the target layers (the shared backward pass).</summary>
    Gradients = 2,

    /// <summary>∂y/∂x at the input (the shared backward pass).</summary>
    InputGradients = 4,

    /// <summary>The guided-backpropagation input gradient (one guided backward pass).</summary>
    GuidedInputGradients = 8,

    /// <summary>∂y/∂z at every bias-add point (Conv outputs with a bias, BatchNormalization outputs), and the biases (FullGrad).</summary>
    BiasGradients = 16,

    /// <summary>The classifier head's weights read from the graph (CAM).</summary>
    HeadWeights = 32,

    /// <summary>Further forward/backward passes of the method's own (noise samples, paths, second differences).</summary>
    ExtraPasses = 64,

    /// <summary>Re-runs of perturbed inputs or activations through the probe.</summary>
    Perturbations = 128,

    /// <summary>
    /// ∂T/∂A at the target layers for each target's contrastive score T (FinerCAM: the target class
    /// against its most similar classes): K more seed rows in the shared backward pass, not another pass.
    /// </summary>
    ContrastGradients = 256,
}
