namespace Explain.Engine.Kernels;

/// <summary>
/// What a GEMM does to each output tile before it leaves the registers: add a per-row bias
/// (a convolution's per-output-channel bias) and clamp to [Min, Max] (a fused ReLU or Clip).
/// </summary>
/// <param name="RowBias">Bias array indexed from <paramref name="BiasOffset"/> by output row, or null.</param>
/// <param name="BiasOffset">Index of row 0's bias in <paramref name="RowBias"/>.</param>
/// <param name="Clamp">Whether to clamp the result to [<paramref name="Min"/>, <paramref name="Max"/>].</param>
/// <param name="Min">Lower clamp bound (0 for ReLU).</param>
/// <param name="Max">Upper clamp bound (+∞ for ReLU).</param>
public readonly record struct GemmEpilogue(float[]? RowBias, int BiasOffset, bool Clamp, float Min, float Max)
{
    /// <summary>Plain product: no bias, no clamp.</summary>
    public static GemmEpilogue None => default;

    /// <summary>The same clamp with another bias slice.</summary>
    public GemmEpilogue WithBias(float[]? bias, int offset) => this with { RowBias = bias, BiasOffset = offset };
}
