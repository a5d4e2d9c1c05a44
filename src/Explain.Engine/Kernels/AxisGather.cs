using Explain.Engine.Tensors;

namespace Explain.Engine.Kernels;

// Copies driven by one index map per axis: output position o along axis d reads source position
// maps[d][o], or the fill value where the map holds −1. Slice, Pad, Tile and Expand are all such
// maps; their gradients are the transposed operation, a scatter-add through the same maps.
internal static class AxisGather
{
    // dst[o₀,…,oₖ] = src[maps₀[o₀],…,mapsₖ[oₖ]] (fill where any map entry is −1).
    public static void Gather<T>(ReadOnlySpan<T> src, ReadOnlySpan<int> srcShape, int[][] maps, T fill, Span<T> dst)
    {
        if (dst.IsEmpty)
            return;
        if (maps.Length == 0)
        {
            dst[0] = src[0];
            return;
        }
        GatherAxis(src, TensorShape.Strides(srcShape), maps, fill, dst, 0, 0);
    }

    // dst[maps(o)] += grad[o] for every output position o whose maps hold no −1 (dst is not cleared).
    public static void ScatterAdd(ReadOnlySpan<float> grad, ReadOnlySpan<int> dstShape, int[][] maps, Span<float> dst)
    {
        if (grad.IsEmpty)
            return;
        if (maps.Length == 0)
        {
            dst[0] += grad[0];
            return;
        }
        ScatterAxis(grad, TensorShape.Strides(dstShape), maps, dst, 0, 0);
    }

    private static void GatherAxis<T>(ReadOnlySpan<T> src, int[] strides, int[][] maps, T fill, Span<T> dst, int axis, int offset)
    {
        int[] map = maps[axis];
        if (axis == maps.Length - 1)
        {
            for (int o = 0; o < map.Length; o++)
                dst[o] = map[o] < 0 ? fill : src[offset + map[o] * strides[axis]];
            return;
        }
        int block = BlockSize(maps, axis + 1);
        for (int o = 0; o < map.Length; o++)
        {
            var part = dst.Slice(o * block, block);
            if (map[o] < 0)
                part.Fill(fill);
            else
                GatherAxis(src, strides, maps, fill, part, axis + 1, offset + map[o] * strides[axis]);
        }
    }

    private static void ScatterAxis(ReadOnlySpan<float> grad, int[] strides, int[][] maps, Span<float> dst, int axis, int offset)
    {
        int[] map = maps[axis];
        if (axis == maps.Length - 1)
        {
            for (int o = 0; o < map.Length; o++)
                if (map[o] >= 0)
                    dst[offset + map[o] * strides[axis]] += grad[o];
            return;
        }
        int block = BlockSize(maps, axis + 1);
        for (int o = 0; o < map.Length; o++)
            if (map[o] >= 0)
                ScatterAxis(grad.Slice(o * block, block), strides, maps, dst, axis + 1, offset + map[o] * strides[axis]);
    }

    private static int BlockSize(int[][] maps, int from)
    {
        int n = 1;
        for (int d = from; d < maps.Length; d++)
            n *= maps[d].Length;
        return n;
    }
}
