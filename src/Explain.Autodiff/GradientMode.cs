namespace Explain.Autodiff;

/// <summary>How gradients pass through rectifiers in the emitted backward graph.</summary>
public enum GradientMode
{
    /// <summary>The exact gradient (ReLU and ReLU6 pass the gradient where the input is inside the linear range).</summary>
    Standard,

    /// <summary>
    /// Guided backpropagation (Springenberg et al., 2015, eq. 5): Relu, and Clip with floor 0 (ReLU6),
    /// pass only positive gradients through positive inputs, as the managed engine's guided mode.
    /// </summary>
    Guided,

    /// <summary>
    /// pytorch-grad-cam's GuidedBackpropReLUModel: only Relu follows the guided rule; Clip (ReLU6
    /// exports as Clip(0, 6)) keeps its exact gradient, as the library replaces only torch.nn.ReLU modules.
    /// </summary>
    GuidedReluOnly,
}
