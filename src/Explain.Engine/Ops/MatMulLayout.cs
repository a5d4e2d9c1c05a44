using Explain.Engine.Errors;
using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>
/// numpy.matmul shapes: operands as stacks of M×K and K×N matrices, the broadcast batch shape,
/// and for every output batch the element offset of its A and B matrices.
/// </summary>
internal sealed class MatMulLayout
{
    private readonly int[] _aOffsets, _bOffsets;

    private MatMulLayout(int m, int n, int k, int[] outputShape, int[] aOffsets, int[] bOffsets)
    {
        (M, N, K, OutputShape, _aOffsets, _bOffsets) = (m, n, k, outputShape, aOffsets, bOffsets);
    }

    public int M { get; }

    public int N { get; }

    public int K { get; }

    public int[] OutputShape { get; }

    public int Batches => _aOffsets.Length;

    public int AOffset(int batch) => _aOffsets[batch];

    public int BOffset(int batch) => _bOffsets[batch];

    public static MatMulLayout Create(int[] a, int[] b)
    {
        if (a.Length == 0 || b.Length == 0)
            throw new TensorShapeException("MatMul operands must have at least one dimension");
        int[] a2 = a.Length == 1 ? [1, a[0]] : a, b2 = b.Length == 1 ? [b[0], 1] : b;
        int m = a2[^2], k = a2[^1], n = b2[^1];
        if (b2[^2] != k)
            throw new TensorShapeException($"MatMul inner dimensions of {TensorShape.Format(a)} and {TensorShape.Format(b)} differ");
        int[] batch = TensorShape.Broadcast(a2.AsSpan(0, a2.Length - 2), b2.AsSpan(0, b2.Length - 2));
        var output = new List<int>(batch);
        if (a.Length > 1)
            output.Add(m);
        if (b.Length > 1)
            output.Add(n);

        int count = TensorShape.ElementCount(batch);
        var aOffsets = new int[count];
        var bOffsets = new int[count];
        for (int index = 0; index < count; index++)
        {
            aOffsets[index] = BatchIndex(index, batch, a2) * m * k;
            bOffsets[index] = BatchIndex(index, batch, b2) * k * n;
        }
        return new MatMulLayout(m, n, k, [.. output], aOffsets, bOffsets);
    }

    /// <summary>The operand's own batch index for output batch <paramref name="index"/>, honouring size-1 broadcasting.</summary>
    private static int BatchIndex(int index, int[] batch, int[] operand)
    {
        int operandBatchRank = operand.Length - 2, result = 0, stride = 1;
        for (int d = batch.Length - 1, od = operandBatchRank - 1; d >= 0; d--, od--)
        {
            int coordinate = index % batch[d];
            index /= batch[d];
            if (od < 0)
                continue;
            if (operand[od] != 1)
                result += coordinate * stride;
            stride *= operand[od];
        }
        return result;
    }
}
