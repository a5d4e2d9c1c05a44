namespace Explain.Cam.Attribution;

/// <summary>A layer's factorization: W (C × k, row-major, without the compat offsets) and the concepts; <see cref="NoHead"/> says why concepts have no classes.</summary>
internal sealed record DffResult(string Layer, int Height, int Width, double[] W, int K, IReadOnlyList<DffConcept> Concepts, string? NoHead);
