namespace Explain.Cam.Backends;

/// <summary>How gradients flow back through rectifiers.</summary>
public enum GradientMode
{
    /// <summary>Exact vector-Jacobian products.</summary>
    Standard,

    /// <summary>Guided backpropagation (Springenberg et al., 2015): only positive gradients pass a ReLU, and only where its input was positive.</summary>
    Guided,

    /// <summary>pytorch-grad-cam's guided backprop: the guided rule on ReLU only; ReLU6 / Clip pass the exact gradient.</summary>
    GuidedReluOnly,
}
