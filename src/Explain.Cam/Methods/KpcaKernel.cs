namespace Explain.Cam.Methods;

/// <summary>KPCA-CAM's kernel k(x, y) between two positions' channel vectors (scikit-learn KernelPCA's names and defaults: degree 3, coef0 1).</summary>
public enum KpcaKernel
{
    /// <summary>tanh(γ ⟨x, y⟩ + 1), pytorch-grad-cam's default.</summary>
    Sigmoid,

    /// <summary>exp(−γ ‖x − y‖²).</summary>
    Rbf,

    /// <summary>(γ ⟨x, y⟩ + 1)³.</summary>
    Poly,

    /// <summary>⟨x, y⟩ (plain PCA: Eigen-CAM up to sign).</summary>
    Linear,

    /// <summary>⟨x, y⟩ / (‖x‖ ‖y‖).</summary>
    Cosine,
}
