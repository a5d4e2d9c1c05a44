namespace Explain.Cam.Perturbation;

/// <summary>
/// Parameters of the noise- and mask-based methods of issue 13 (proto MethodParameters fields 28–38):
/// smoothgradcam++, sscam, iscam (TorchCAM's defaults), occlusion (Captum) and rise (Xplique's
/// defaults). Every limit is checked by <see cref="Validate"/> and <see cref="ValidateFor"/> before
/// any pass runs; docs/methods.md lists them.
/// </summary>
public sealed record PerturbationParameters
{
    public const int MaxSamples = 256;
    public const int MaxRiseMasks = 8000;
    public const int MaxRiseCell = 64;
    public const int MaxOcclusionWindows = 16384;

    /// <summary>smoothgradcam++: noisy inputs, 1–256 (TorchCAM SmoothGradCAMpp num_samples, 4).</summary>
    public int SmoothGradCamPlusPlusSamples { get; init; } = 4;

    /// <summary>smoothgradcam++: noise σ in input units, in (0, 10] (TorchCAM's std, 0.3).</summary>
    public float SmoothGradCamPlusPlusStd { get; init; } = 0.3f;

    /// <summary>sscam: noisy copies of each mask, 1–256 (TorchCAM SSCAM num_samples, 35).</summary>
    public int SsCamSamples { get; init; } = 35;

    /// <summary>sscam: σ of the noise added to each normalized mask, in (0, 10] (TorchCAM's std, 2.0).</summary>
    public float SsCamStd { get; init; } = 2.0f;

    /// <summary>iscam: integration steps, 1–256 (TorchCAM ISCAM num_samples, 10).</summary>
    public int IsCamSamples { get; init; } = 10;

    /// <summary>occlusion: side of the square window in input pixels, 1..min(H, W) (Captum tutorial: 15).</summary>
    public int OcclusionWindow { get; init; } = 15;

    /// <summary>occlusion: step of the window in pixels, 1..window (Captum tutorial: 8; Captum refuses a stride over the window).</summary>
    public int OcclusionStride { get; init; } = 8;

    /// <summary>occlusion: the value written into the window (Captum's baselines, 0).</summary>
    public float OcclusionBaseline { get; init; }

    /// <summary>rise: random masks N, 1–8000 (Xplique RISE nb_samples, 4000).</summary>
    public int RiseMasks { get; init; } = 4000;

    /// <summary>rise: the masks' grid s (cells per side), 2–64 (Xplique grid_size, 7).</summary>
    public int RiseCells { get; init; } = 7;

    /// <summary>rise: probability p that a cell is kept, in (0, 1) (Xplique preservation_probability, 0.5).</summary>
    public float RiseProbability { get; init; } = 0.5f;

    public static PerturbationParameters Default { get; } = new();

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first parameter outside its documented range (message = "field ...").</summary>
    public void Validate()
    {
        Samples("smoothgradcampp_samples", SmoothGradCamPlusPlusSamples);
        Std("smoothgradcampp_std", SmoothGradCamPlusPlusStd);
        Samples("sscam_samples", SsCamSamples);
        Std("sscam_std", SsCamStd);
        Samples("iscam_samples", IsCamSamples);
        if (OcclusionWindow < 1)
            throw new ArgumentException($"occlusion_window {OcclusionWindow} is below 1");
        if (OcclusionStride < 1 || OcclusionStride > OcclusionWindow)
            throw new ArgumentException($"occlusion_stride {OcclusionStride} is outside 1..occlusion_window ({OcclusionWindow}): Captum's windows leave no pixel uncovered");
        if (!float.IsFinite(OcclusionBaseline))
            throw new ArgumentException($"occlusion_baseline {OcclusionBaseline} is not a finite number");
        if (RiseMasks is < 1 or > MaxRiseMasks)
            throw new ArgumentException($"rise_masks {RiseMasks} is outside 1..{MaxRiseMasks}");
        if (RiseCells is < 2 or > MaxRiseCell)
            throw new ArgumentException($"rise_cells {RiseCells} is outside 2..{MaxRiseCell}");
        if (!(RiseProbability > 0f && RiseProbability < 1f))
            throw new ArgumentException($"rise_probability {RiseProbability} is outside (0, 1)");
    }

    /// <summary>The limits that depend on the input: the occlusion window fits, and its windows number at most <see cref="MaxOcclusionWindows"/>.</summary>
    public void ValidateFor(int height, int width)
    {
        if (OcclusionWindow > Math.Min(height, width))
            throw new ArgumentException($"occlusion_window {OcclusionWindow} is larger than the {height}x{width} input");
        long windows = (long)OcclusionPositions(height) * OcclusionPositions(width);
        if (windows > MaxOcclusionWindows)
            throw new ArgumentException($"occlusion_stride {OcclusionStride} with occlusion_window {OcclusionWindow} makes {windows} windows on a {height}x{width} input (at most {MaxOcclusionWindows})");
    }

    /// <summary>
    /// Window positions along an axis of <paramref name="size"/> pixels, as Captum's shift_counts:
    /// ⌈(size − window) / stride⌉ + 1, the last window cut off at the border.
    /// </summary>
    public int OcclusionPositions(int size) => (size - OcclusionWindow + OcclusionStride - 1) / OcclusionStride + 1;

    private static void Samples(string field, int value)
    {
        if (value is < 1 or > MaxSamples)
            throw new ArgumentException($"{field} {value} is outside 1..{MaxSamples}");
    }

    private static void Std(string field, float value)
    {
        if (!(value > 0f && value <= 10f))
            throw new ArgumentException($"{field} {value} is outside (0, 10]");
    }
}
