using Explain.Engine.Errors;
using Explain.Engine.Kernels;
using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>ONNX Transpose (default perm reverses the axes); the gradient applies the inverse permutation.</summary>
public sealed class TransposeOp(long[]? perm = null) : Op
{
    private int[] _perm = [];
    private int _length;

    public override Tensor[] Forward(OpContext context, Tensor[] inputs)
    {
        var x = inputs[0];
        (_perm, _length) = (ResolvePerm(x.Rank), x.Length);
        return [Permute(x, _perm)];
    }

    public override Tensor?[] Backward(OpContext context, Tensor[] outputGradients)
    {
        if (!NeedsGradient(0))
            return [null];
        var g = outputGradients[0];
        if (_perm.Length > 0 && _perm[0] != 0)
            TensorStorage.RequireSingleSeed(TensorStorage.SeedFactor(g, _length), "Transpose", "perm[0] != 0");
        var inverse = new int[_perm.Length];
        for (int i = 0; i < _perm.Length; i++)
            inverse[_perm[i]] = i;
        return [Permute(g, inverse)];
    }

    private static Tensor Permute(Tensor x, int[] perm)
    {
        var shape = perm.Select(p => x.Shape[p]).ToArray();
        var y = TensorStorage.Zeros(x.Type, shape);
        if (x.Type == DataType.Float32)
            TransposeKernel.Transpose<float>(x.Floats, x.Shape, perm, y.Floats);
        else
            TransposeKernel.Transpose<long>(x.Longs, x.Shape, perm, y.Longs);
        return y;
    }

    private int[] ResolvePerm(int rank)
    {
        if (perm is null)
            return Enumerable.Range(0, rank).Reverse().ToArray();
        if (perm.Length != rank)
            throw new TensorShapeException($"Transpose: perm has {perm.Length} entries for rank {rank}");
        var p = perm.Select(a => TensorShape.NormalizeAxis(a, rank)).ToArray();
        if (p.Distinct().Count() != rank)
            throw new TensorShapeException($"Transpose: perm [{string.Join(", ", perm)}] is not a permutation");
        return p;
    }
}
