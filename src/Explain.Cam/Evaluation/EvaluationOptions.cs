namespace Explain.Cam.Evaluation;

/// <summary>
/// Parameters of the metrics, localization and textual explanations (proto MethodParameters
/// fields 40–59). The defaults are pytorch-grad-cam's (ROAD, ARCC) and the Grad-CAM paper's
/// (15 % localization threshold).
/// </summary>
public sealed record EvaluationOptions
{
    /// <summary>Most pixels an image may have for ROAD: its sparse solve grows faster than the pixel count.</summary>
    public const int MaxRoadPixels = 1024 * 1024;

    /// <summary>ROAD's percentiles (ROADCombined's default 10, 20, …, 90), each in (0, 100).</summary>
    public IReadOnlyList<double> RoadPercentiles { get; init; } = [10, 20, 30, 40, 50, 60, 70, 80, 90];

    /// <summary>ROAD's percentiles inside ARCC (arcc.py's default 20, 40, 60, 80).</summary>
    public IReadOnlyList<double> ArccRoadPercentiles { get; init; } = [20, 40, 60, 80];

    /// <summary>Standard deviation of the imputer's Gaussian noise, in input units (road.py's 0.01).</summary>
    public float RoadNoise { get; init; } = 0.01f;

    /// <summary>Whether the metrics include ARCC (one more explanation per map, of the map-masked input).</summary>
    public bool Arcc { get; init; } = true;

    /// <summary>Weakly-supervised localization threshold as a fraction of the map's maximum (Grad-CAM paper §4.1: 15 %).</summary>
    public float LocalizationThreshold { get; init; } = 0.15f;

    /// <summary>A ground-truth box in input pixels: each map then says whether its maximum falls inside (pointing game).</summary>
    public PixelBox? GroundTruth { get; init; }

    /// <summary>Pointing game tolerance in input pixels (Zhang et al., 2016: 15).</summary>
    public int PointingTolerance { get; init; } = 15;

    /// <summary>How many channels a textual explanation names (Grad-CAM paper §7 names the top 5).</summary>
    public int TextChannels { get; init; } = 3;

    /// <summary>With metrics: also run the model-parameter randomization test (Adebayo et al. 2018; <see cref="SanityCheckScores"/>).</summary>
    public bool SanityCheck { get; init; }

    /// <summary>How many parameterized layers, from the output down, the sanity check re-draws (1 = the classifier head), 1–1000; more than the model has = all.</summary>
    public int SanityCheckLayers { get; init; } = 1;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first parameter out of range.</summary>
    public void Validate()
    {
        foreach (var (name, list) in new[] { ("road_percentiles", RoadPercentiles), ("arcc_road_percentiles", ArccRoadPercentiles) })
        {
            if (list.Count is 0 or > 32)
                throw new ArgumentException($"{name}: give 1 to 32 percentiles, not {list.Count}");
            if (list.Any(p => !(p > 0 && p < 100)))
                throw new ArgumentException($"{name}: every percentile must lie strictly between 0 and 100");
        }
        if (!(RoadNoise >= 0 && RoadNoise <= 1))
            throw new ArgumentException("road_noise: must be between 0 and 1 (input units)");
        if (!(LocalizationThreshold > 0 && LocalizationThreshold < 1))
            throw new ArgumentException("localization_threshold: must lie strictly between 0 and 1");
        if (PointingTolerance is < 0 or > 1000)
            throw new ArgumentException("pointing_tolerance: must be 0 to 1000 pixels");
        if (TextChannels is < 1 or > 20)
            throw new ArgumentException("text_channels: must be 1 to 20");
        if (SanityCheckLayers is < 1 or > 1000)
            throw new ArgumentException("sanity_check_layers: must be 1 to 1000");
        if (GroundTruth is { } box && (box.Width <= 0 || box.Height <= 0 || box.X < 0 || box.Y < 0))
            throw new ArgumentException("ground_truth_box: x, y must be ≥ 0 and width, height > 0");
    }
}
