namespace Explain.Cam.Evaluation;

/// <summary>
/// ARCC (pytorch-grad-cam metrics/arcc.py): the harmonic mean of Coherency, 1 − Complexity and
/// ROAD. Complexity = mean |map|; Coherency = (Pearson(map of map ∘ input, map) + 1) / 2 with the
/// same method and target; ROAD = clip(2 · ROAD Combined at its percentiles, 0, 1). Higher is better.
/// </summary>
public sealed record ArccScores(float Complexity, float Coherency, float RoadCombined, float Arcc);
