namespace Explain.Cam.Evaluation;

/// <summary>
/// ROAD (Rong et al., ICML 2022) as pytorch-grad-cam computes it: the target's score (the logit)
/// after noisy linear imputation minus before, averaged over the percentiles. MoRF removes the
/// pixels at or above each percentile of the map (lower is better), LeRF those at or above it in
/// 1 − map (higher is better); Combined = (LeRF − MoRF) / 2 (higher is better).
/// </summary>
public sealed record RoadScores(IReadOnlyList<double> Percentiles, IReadOnlyList<float> MorfPerPercentile, IReadOnlyList<float> LerfPerPercentile, float Morf, float Lerf, float Combined);
