using Explain.Cam.Methods;

namespace Explain.Cam.Attribution;

/// <summary>
/// Parameters of the gradient, input-attribution and CAM-variant methods (proto MethodParameters
/// fields 1–27) and of Deep Feature Factorization (fields 48–55).
/// Every limit is checked by <see cref="Validate"/> before any pass runs; docs/methods.md lists them.
/// </summary>
public sealed record AttributionParameters
{
    public const int MaxSteps = 256;
    public const int MaxSamples = 256;
    public const int MaxFinerCamComparisons = 16;
    public const float MaxFinerCamAlpha = 10f;
    public const float MaxFemK = 10f;

    public const int MaxConcepts = 32;
    public const int MaxDffIterations = 1000;
    public const int MaxConceptClasses = 10;

    /// <summary>Integrated Gradients: Gauss–Legendre nodes on the path (Captum's default rule and count, 50), 1–256.</summary>
    public int IntegratedGradientsSteps { get; init; } = 50;

    /// <summary>Integrated Gradients: the baseline x′ the path starts from.</summary>
    public IntegratedGradientsBaseline IntegratedGradientsBaseline { get; init; } = IntegratedGradientsBaseline.Zero;

    /// <summary>SmoothGrad and its variants: noisy samples, 1–256 (default 25).</summary>
    public int SmoothGradSamples { get; init; } = 25;

    /// <summary>SmoothGrad: noise σ as a fraction of the input's range max(x) − min(x), in (0, 1] (Smilkov et al. §3: 10–20 % works; default 0.15).</summary>
    public float SmoothGradNoise { get; init; } = 0.15f;

    /// <summary>ShapleyCAM: the score explained (the paper's ReST by default).</summary>
    public ShapleyScore ShapleyScore { get; init; } = ShapleyScore.Rest;

    /// <summary>FinerCAM: comparison strength α of y_c − α y_j, 0–10 (pytorch-grad-cam's default 1).</summary>
    public float FinerCamAlpha { get; init; } = 1f;

    /// <summary>FinerCAM: how many most similar classes the target is compared with, 1–16 (pytorch-grad-cam's [1, 2, 3]: 3).</summary>
    public int FinerCamComparisons { get; init; } = 3;

    /// <summary>KPCA-CAM: the kernel (pytorch-grad-cam's default sigmoid).</summary>
    public KpcaKernel KpcaKernel { get; init; } = KpcaKernel.Sigmoid;

    /// <summary>KPCA-CAM: the kernel's γ, ≥ 0; 0 = 1 / channels (scikit-learn's gamma=None).</summary>
    public float KpcaGamma { get; init; }

    /// <summary>FEM: the threshold mean + k·std of each channel, k in 0–10 (pytorch-grad-cam's default 2).</summary>
    public float FemK { get; init; } = 2f;

    /// <summary>dff: concepts k of the factorization (pytorch-grad-cam's run_dff_on_image: 5), 1–32 and at most the layer's channels and positions.</summary>
    public int DffConcepts { get; init; } = 5;

    /// <summary>dff: HALS sweeps of the factorization (scikit-learn NMF's max_iter, 200), 1–1000.</summary>
    public int DffIterations { get; init; } = 200;

    /// <summary>dff: classes named per concept, by the classifier head's softmax of the concept vector (run_dff_on_image's top_k, 2), 1–10.</summary>
    public int DffTopClasses { get; init; } = 2;

    public static AttributionParameters Default { get; } = new();

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first parameter outside its documented range.</summary>
    public void Validate()
    {
        if (IntegratedGradientsSteps is < 1 or > MaxSteps)
            throw new ArgumentException($"integrated_gradients_steps {IntegratedGradientsSteps} is outside 1..{MaxSteps}");
        if (SmoothGradSamples is < 1 or > MaxSamples)
            throw new ArgumentException($"smoothgrad_samples {SmoothGradSamples} is outside 1..{MaxSamples}");
        if (!(SmoothGradNoise > 0f && SmoothGradNoise <= 1f))
            throw new ArgumentException($"smoothgrad_noise {SmoothGradNoise} is outside (0, 1] (a fraction of the input's range)");
        if (!Enum.IsDefined(IntegratedGradientsBaseline))
            throw new ArgumentException($"integrated_gradients_baseline {IntegratedGradientsBaseline} is not one of zero, blur, uniform");
        if (DffConcepts is < 1 or > MaxConcepts)
            throw new ArgumentException($"dff_concepts {DffConcepts} is outside 1..{MaxConcepts}");
        if (DffIterations is < 1 or > MaxDffIterations)
            throw new ArgumentException($"dff_iterations {DffIterations} is outside 1..{MaxDffIterations}");
        if (DffTopClasses is < 1 or > MaxConceptClasses)
            throw new ArgumentException($"dff_top_classes {DffTopClasses} is outside 1..{MaxConceptClasses}");
        if (!Enum.IsDefined(ShapleyScore))
            throw new ArgumentException($"shapley_score {ShapleyScore} is not one of rest, logit");
        if (!(FinerCamAlpha >= 0f && FinerCamAlpha <= MaxFinerCamAlpha))
            throw new ArgumentException($"finercam_alpha {FinerCamAlpha} is outside 0..{MaxFinerCamAlpha}");
        if (FinerCamComparisons is < 1 or > MaxFinerCamComparisons)
            throw new ArgumentException($"finercam_comparisons {FinerCamComparisons} is outside 1..{MaxFinerCamComparisons}");
        if (!Enum.IsDefined(KpcaKernel))
            throw new ArgumentException($"kpca_kernel {KpcaKernel} is not one of sigmoid, rbf, poly, linear, cosine");
        if (!(KpcaGamma >= 0f && float.IsFinite(KpcaGamma)))
            throw new ArgumentException($"kpca_gamma {KpcaGamma} is not a finite number >= 0 (0 = 1 / channels)");
        if (!(FemK >= 0f && FemK <= MaxFemK))
            throw new ArgumentException($"fem_k {FemK} is outside 0..{MaxFemK}");
    }
}
