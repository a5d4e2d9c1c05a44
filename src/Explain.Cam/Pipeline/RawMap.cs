namespace Explain.Cam.Pipeline;

/// <summary>One target's raw map (before ReLU and normalization) and its shape, row-major.</summary>
public sealed record RawMap(float[] Values, int[] Shape);
