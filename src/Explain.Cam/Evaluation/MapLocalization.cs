namespace Explain.Cam.Evaluation;

/// <summary>
/// Weakly-supervised localization of one map (Grad-CAM paper §4.1): the bounding box of the
/// largest 8-connected region where the map is at least <see cref="Threshold"/> × its maximum, in
/// model-input pixels (null when the map is all zero); the map's peak; and, given a ground-truth
/// box, the pointing game (Zhang et al., ECCV 2016: a hit when the peak lies within
/// <see cref="PointingTolerance"/> pixels of the box) and the box's intersection over union with it.
/// </summary>
public sealed record MapLocalization(PixelBox? Box, float Threshold, int PeakX, int PeakY)
{
    public bool? PointingHit { get; init; }

    public int PointingTolerance { get; init; }

    public float? IoU { get; init; }
}
