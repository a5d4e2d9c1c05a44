namespace Explain.Engine.Kernels;

// Strided N-d permutation: output axis i is input axis perm[i].
internal static class TransposeKernel
{
    public static void Transpose<T>(ReadOnlySpan<T> src, ReadOnlySpan<int> srcShape, ReadOnlySpan<int> perm, Span<T> dst)
    {
        int rank = perm.Length;
        if (dst.IsEmpty)
            return;
        if (rank == 0)
        {
            dst[0] = src[0];
            return;
        }
        Span<int> srcStrides = stackalloc int[rank];
        Span<int> outShape = stackalloc int[rank];
        Span<int> stride = stackalloc int[rank];
        Span<int> index = stackalloc int[rank];
        int s = 1;
        for (int i = rank - 1; i >= 0; i--)
        {
            srcStrides[i] = s;
            s *= srcShape[i];
        }
        for (int i = 0; i < rank; i++)
        {
            outShape[i] = srcShape[perm[i]];
            stride[i] = srcStrides[perm[i]];
        }
        int inner = outShape[rank - 1];
        int innerStride = stride[rank - 1];
        int offset = 0;
        for (int k = 0; k < dst.Length; k += inner)
        {
            var row = dst.Slice(k, inner);
            for (int j = 0, p = offset; j < inner; j++, p += innerStride)
                row[j] = src[p];
            // Advance the multi-index over the outer axes (odometer order).
            for (int d = rank - 2; d >= 0; d--)
            {
                offset += stride[d];
                if (++index[d] < outShape[d])
                    break;
                offset -= stride[d] * outShape[d];
                index[d] = 0;
            }
        }
    }
}
