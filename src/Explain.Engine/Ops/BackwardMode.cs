namespace Explain.Engine.Ops;

/// <summary>The rule rectifiers apply to gradients in a backward pass.</summary>
public enum BackwardMode
{
    /// <summary>The exact vector-Jacobian product.</summary>
    Standard,

    /// <summary>
    /// Guided backpropagation (Springenberg et al., 2015): a rectifier passes a gradient only where
    /// its forward input was positive AND the incoming gradient is positive.
    /// </summary>
    Guided,

    /// <summary>
    /// pytorch-grad-cam's guided backpropagation: the guided rule on Relu only; Clip (ReLU6) keeps
    /// its exact gradient, as the library swaps only torch.nn.ReLU modules.
    /// </summary>
    GuidedReluOnly,
}
