namespace Explain.Cam.Evaluation;

/// <summary>
/// ROAD (Rong et al., ICML 2022) as pytorch-grad-cam computes it: the target's score (the logit)
/// after noisy linear imputation minus before, averaged over the percentiles. MoRF removes the
/// pixels at or above each percentile of the map (lower is better), LeRF those at or above it in
/// 1 − map (higher is better); Combined = (LeRF − MoRF) / 2 (higher is better).
/// </summary>
public sealed record RoadScores(IReadOnlyList<double> Percentiles, IReadOnlyList<float> MorfPerPercentile, IReadOnlyList<float> LerfPerPercentile, float Morf, float Lerf, float Combined)
{
    /// <summary>Equal values, lists compared element by element (a record compares list references).</summary>
    public bool Equals(RoadScores? other) => other is not null && Percentiles.SequenceEqual(other.Percentiles) && MorfPerPercentile.SequenceEqual(other.MorfPerPercentile)
        && LerfPerPercentile.SequenceEqual(other.LerfPerPercentile) && Morf == other.Morf && Lerf == other.Lerf && Combined == other.Combined;

    public override int GetHashCode() => HashCode.Combine(Percentiles.Count, Morf, Lerf, Combined);
}
