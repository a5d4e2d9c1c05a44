using Explain.Cam.Layers;
using Explain.Cam.Targets;

namespace Explain.Cam;

/// <summary>What one explanation computes: methods (wire names), target layers (empty = the model's default) and targets.</summary>
public sealed record ExplainOptions
{
    public required IReadOnlyList<string> Methods { get; init; }

    public IReadOnlyList<string> Layers { get; init; } = [];

    /// <summary>How target layers become [C, h, w] grids (ViT tokens, Swin NHWC); null = the model card's, else <see cref="ReshapeTransform.Auto"/>.</summary>
    public ReshapeTransform? Reshape { get; init; }

    public TargetSelection Targets { get; init; } = TargetSelection.Predicted;

    /// <summary>How many predictions the result lists.</summary>
    public int TopPredictions { get; init; } = 5;

    /// <summary>Project weighted activations on their first principal component instead of summing them (pytorch-grad-cam's eigen_smooth).</summary>
    public bool EigenSmooth { get; init; }

    /// <summary>Test-time augmentation: average the normalized maps of horizontal flips × intensity 0.9/1.0/1.1 (pytorch-grad-cam's aug_smooth).</summary>
    public bool AugSmooth { get; init; }

    /// <summary>Faster Score-CAM: score only this many channels of largest activation variance (0 = all).</summary>
    public int ScoreCamChannels { get; init; }

    /// <summary>Compute faithfulness metrics (Average Drop, Increase in Confidence, deletion/insertion AUC) per map.</summary>
    public bool Metrics { get; init; }

    /// <summary>Seed of the noise- and mask-based methods: the same seed gives identical maps.</summary>
    public ulong Seed { get; init; }

    /// <summary>Parameters of the gradient and input-attribution methods (Integrated Gradients, SmoothGrad, ShapleyCAM).</summary>
    public Attribution.AttributionParameters Attribution { get; init; } = Explain.Cam.Attribution.AttributionParameters.Default;

    /// <summary>Parameters of the noise- and mask-based methods (Smooth Grad-CAM++, SS-CAM, IS-CAM, occlusion, RISE).</summary>
    public Perturbation.PerturbationParameters Perturbation { get; init; } = Explain.Cam.Perturbation.PerturbationParameters.Default;

    /// <summary>Whose conventions to follow where a reference library departs from the papers.</summary>
    public CompatMode Compat { get; init; } = CompatMode.Papers;

    /// <summary>Parameters of the metrics, localization and textual explanations.</summary>
    public Evaluation.EvaluationOptions Evaluation { get; init; } = new();

    /// <summary>Told between stages and between perturbation batches (synchronously, on the explaining thread); null = silent.</summary>
    public IProgress<ExplainProgress>? Progress { get; init; }
}
