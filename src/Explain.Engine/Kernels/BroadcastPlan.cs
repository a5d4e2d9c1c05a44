using Explain.Engine.Tensors;

namespace Explain.Engine.Kernels;

/// <summary>
/// Multidirectional (numpy) broadcasting of two operands, reduced to rows of one contiguous inner
/// run. Output dimensions of size 1 are dropped and adjacent dimensions merged while both operands
/// stay affine across them, so the inner run is as long as possible and each operand either walks it
/// (step 1) or repeats one value (step 0). The named fast paths fall out of this: same shape is one
/// row with steps (1, 1); a scalar operand is one row with step 0; a per-channel [C,1,1] operand over
/// NCHW is C·N rows of H·W with the channel value repeated; [N,1]×[1,M] is N rows of M.
/// </summary>
internal sealed class BroadcastPlan
{
    private BroadcastPlan(int[] outputShape, int inner, int aStep, int bStep, int[] aRows, int[] bRows)
    {
        OutputShape = outputShape;
        Length = TensorShape.ElementCount(outputShape);
        Inner = inner;
        AStep = aStep;
        BStep = bStep;
        ARowOffsets = aRows;
        BRowOffsets = bRows;
    }

    public int[] OutputShape { get; }

    public int Length { get; }

    /// <summary>Length of the contiguous inner run (at least 1).</summary>
    public int Inner { get; }

    /// <summary>1 when operand A advances along the inner run, 0 when it repeats one value.</summary>
    public int AStep { get; }

    public int BStep { get; }

    /// <summary>Start offset of each row in A (rows = Length / Inner).</summary>
    public int[] ARowOffsets { get; }

    public int[] BRowOffsets { get; }

    public static BroadcastPlan Create(int[] a, int[] b)
    {
        int[] output = TensorShape.Broadcast(a, b);
        int rank = output.Length;
        int[] sa = BroadcastStrides(a, output), sb = BroadcastStrides(b, output);
        // Keep dims of size > 1, then merge a dim into the next when both operands are affine across the pair.
        var dims = new List<(int Size, int A, int B)>();
        for (int d = 0; d < rank; d++)
        {
            if (output[d] == 1)
                continue;
            dims.Add((output[d], sa[d], sb[d]));
        }
        for (int i = dims.Count - 2; i >= 0; i--)
        {
            var (outer, inner) = (dims[i], dims[i + 1]);
            if (outer.A == inner.A * inner.Size && outer.B == inner.B * inner.Size)
            {
                dims[i] = (outer.Size * inner.Size, inner.A, inner.B);
                dims.RemoveAt(i + 1);
            }
        }
        if (dims.Count == 0)
            dims.Add((1, 0, 0));
        var run = dims[^1];
        int rows = TensorShape.ElementCount(output) / Math.Max(run.Size, 1);
        if (run.Size == 0)
            rows = 0;
        var aRows = new int[rows];
        var bRows = new int[rows];
        var counter = new int[dims.Count - 1];
        int ao = 0, bo = 0;
        for (int r = 0; r < rows; r++)
        {
            aRows[r] = ao;
            bRows[r] = bo;
            for (int d = counter.Length - 1; d >= 0; d--)
            {
                ao += dims[d].A;
                bo += dims[d].B;
                if (++counter[d] < dims[d].Size)
                    break;
                ao -= dims[d].A * dims[d].Size;
                bo -= dims[d].B * dims[d].Size;
                counter[d] = 0;
            }
        }
        return new BroadcastPlan(output, Math.Max(run.Size, 1), run.A == 0 ? 0 : 1, run.B == 0 ? 0 : 1, aRows, bRows);
    }

    /// <summary>Strides of an operand read in the output's index space: 0 along broadcast dimensions.</summary>
    private static int[] BroadcastStrides(int[] shape, int[] output)
    {
        int rank = output.Length, offset = rank - shape.Length;
        int[] own = TensorShape.Strides(shape);
        var strides = new int[rank];
        for (int d = offset; d < rank; d++)
            strides[d] = shape[d - offset] == 1 ? 0 : own[d - offset];
        return strides;
    }
}
