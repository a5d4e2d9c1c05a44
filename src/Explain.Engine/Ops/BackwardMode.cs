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
}
