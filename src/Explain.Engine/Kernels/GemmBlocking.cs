using System.Runtime.Intrinsics;

namespace Explain.Engine.Kernels;

/// <summary>
/// Tile and block sizes of the packed GEMM (Goto &amp; van de Geijn, "Anatomy of high-performance
/// matrix multiplication", 2008; BLIS loop order). Mr×Nr is the register tile; a Kc×Nr panel of B
/// (32 KiB for AVX-512) stays in L1, an Mc×Kc block of A in L2, a Kc×Nc block of B in L2/L3.
/// </summary>
internal static class GemmBlocking
{
    /// <summary>Register-tile rows: 8×32 uses 16 of the 32 zmm registers, 6×16 uses 12 of the 16 ymm.</summary>
    public static readonly int Mr = Vector512.IsHardwareAccelerated ? 8 : Vector256.IsHardwareAccelerated ? 6 : 4;

    /// <summary>Register-tile columns: two vectors wide.</summary>
    public static readonly int Nr = Vector512.IsHardwareAccelerated ? 32 : Vector256.IsHardwareAccelerated ? 16 : 4;

    public const int Kc = 256;

    public const int Mc = 240;

    public const int Nc = 512;

    /// <summary>Products below this many flops run on the calling thread: fork/join costs more.</summary>
    public const double ParallelThreshold = 4e6;

    public static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
