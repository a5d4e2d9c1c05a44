namespace Explain.Cam.Attribution;

/// <summary>Where Integrated Gradients' straight path starts.</summary>
public enum IntegratedGradientsBaseline
{
    /// <summary>The all-zero input tensor (Captum's default): the dataset mean after the usual mean/std normalization.</summary>
    Zero,

    /// <summary>The input blurred (Gaussian, 51×51, σ = 50, reflect border): no edges, the same colours (Sturmfels et al., Distill 2020).</summary>
    Blur,

    /// <summary>Uniform noise between the input's minimum and maximum, drawn from the explanation's seed.</summary>
    Uniform,
}
