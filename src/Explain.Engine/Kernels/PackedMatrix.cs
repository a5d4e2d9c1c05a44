namespace Explain.Engine.Kernels;

/// <summary>
/// The left operand of a GEMM packed once into micro-kernel panels, for a constant matrix (conv or
/// Gemm weights) multiplied many times: <see cref="Gemm.Multiply(PackedMatrix, ReadOnlySpan{float}, int, bool, int, Span{float}, int, bool, in GemmEpilogue, ParallelOptions?)"/>
/// then skips packing A. The layout depends on the CPU's register tile, so it never leaves the process.
/// </summary>
public sealed class PackedMatrix
{
    private PackedMatrix(int rows, int depth, float[] data)
    {
        Rows = rows;
        Depth = depth;
        Data = data;
    }

    /// <summary>M: rows of the packed operand (output rows of the product).</summary>
    public int Rows { get; }

    /// <summary>K: columns of the packed operand (the reduction length).</summary>
    public int Depth { get; }

    /// <summary>Panels in the layout of <see cref="GemmPacking.PackA"/>; pinned so kernels address it directly.</summary>
    internal float[] Data { get; }

    /// <summary>
    /// Packs the rows×depth matrix A(i, p) = source[offset + i·ld + p], or, when
    /// <paramref name="transposed"/>, A(i, p) = source[offset + p·ld + i] (source holds Aᵀ).
    /// </summary>
    public static unsafe PackedMatrix Pack(ReadOnlySpan<float> source, int offset, int rows, int depth, int ld, bool transposed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(depth);
        long needed = rows == 0 || depth == 0 ? 0 : transposed
            ? offset + (long)(depth - 1) * ld + rows
            : offset + (long)(rows - 1) * ld + depth;
        if (needed > source.Length || offset < 0)
            throw new ArgumentException($"a {rows}×{depth} matrix with leading dimension {ld} does not fit in {source.Length} values", nameof(source));

        var data = GC.AllocateUninitializedArray<float>(Math.Max(1, GemmBlocking.RoundUp(rows, GemmBlocking.Mr) * depth), pinned: true);
        nint rowStride = transposed ? 1 : ld, colStride = transposed ? ld : 1;
        fixed (float* src = source)
        fixed (float* dst = data)
            GemmPacking.PackA(src + offset, rowStride, colStride, rows, depth, dst, 0, (rows + GemmBlocking.Mr - 1) / GemmBlocking.Mr);
        return new PackedMatrix(rows, depth, data);
    }
}
