using Explain.Engine.Errors;
using Explain.Engine.Kernels;
using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>
/// ONNX Gemm: Y = alpha·op(A)·op(B) + beta·C with C unidirectionally broadcast to [M, N]
/// (opset ≥ 7; C optional from opset 11). Gradients for A and B; C's gradient is returned in the
/// output's shape, which the graph sums back as for any broadcast input.
/// </summary>
public sealed class GemmOp(bool transA, bool transB, float alpha, float beta) : Op
{
    private Tensor? _a, _b, _output;
    private int _inputCount;

    /// <summary>A Relu or Clip folded into this Gemm by the planner.</summary>
    public FusedActivation Activation { get; set; } = FusedActivation.None;

    public override Tensor[] Forward(OpContext context, Tensor[] inputs)
    {
        var (a, b) = (inputs[0], inputs[1]);
        var c = inputs.Length > 2 ? inputs[2] : null;
        if (a.Type != DataType.Float32 || b.Type != DataType.Float32)
            throw new UnsupportedFeatureException($"Gemm '{Name}': only float32 is supported");
        if (a.Rank != 2 || b.Rank != 2)
            throw new TensorShapeException($"Gemm '{Name}': inputs {TensorShape.Format(a.Shape)} and {TensorShape.Format(b.Shape)} are not matrices");
        int m = transA ? a.Shape[1] : a.Shape[0], k = transA ? a.Shape[0] : a.Shape[1];
        int n = transB ? b.Shape[0] : b.Shape[1];
        if ((transB ? b.Shape[1] : b.Shape[0]) != k)
            throw new TensorShapeException($"Gemm '{Name}': inner dimensions of {TensorShape.Format(a.Shape)} and {TensorShape.Format(b.Shape)} differ");

        var y = Tensor.Create([m, n]);
        Gemm.Multiply(m, n, k, a.Floats, a.Shape[1], transA, b.Floats, b.Shape[1], transB, y.Floats, n, false, context.Parallel);
        if (alpha != 1f || c is not null || Activation.Kind != FusedActivationKind.None)
            Finish(y, c, m, n);
        if (context.SaveForBackward)
            (_a, _b, _output, _inputCount) = (a, b, Activation.Kind == FusedActivationKind.None ? null : y, inputs.Length);
        return [y];
    }

    public override Tensor?[] Backward(OpContext context, Tensor[] outputGradients)
    {
        var gradients = new Tensor?[Math.Max(NeedsInputGradient.Length, _inputCount)];
        var (a, b) = (_a ?? throw new InvalidOperationException($"Gemm '{Name}': backward without a saved forward pass"), _b!);
        int m = transA ? a.Shape[1] : a.Shape[0], k = transA ? a.Shape[0] : a.Shape[1], n = transB ? b.Shape[0] : b.Shape[1];
        int factor = BatchFactor(outputGradients[0], [m, n]);
        if (factor > 1 && ((NeedsGradient(0) && transA) || NeedsGradient(1)))
            throw new NotSupportedException($"Gemm '{Name}': batched seeds need the batch on dimension 0 of the input");
        var dy = Activation.Backward(_output, outputGradients[0], context.Mode);
        int rows = m * factor;
        if (NeedsGradient(0))
        {
            var da = Tensor.Create(ScaleBatch(a.Shape, factor));
            if (transA) // dA (K×M) = op(B)·dYᵀ
                Gemm.Multiply(k, m, n, b.Floats, b.Shape[1], transB, dy.Floats, n, true, da.Floats, m, false, context.Parallel);
            else // dA (F·M×K) = dY·op(B)ᵀ: one GEMM over all seed rows
                Gemm.Multiply(rows, k, n, dy.Floats, n, false, b.Floats, b.Shape[1], !transB, da.Floats, k, false, context.Parallel);
            gradients[0] = Scale(da, alpha);
        }
        if (NeedsGradient(1))
        {
            var db = Tensor.Create(b.Shape);
            if (transB) // dB (N×K) = dYᵀ·op(A)
                Gemm.Multiply(n, k, m, dy.Floats, n, true, a.Floats, a.Shape[1], transA, db.Floats, k, false, context.Parallel);
            else // dB (K×N) = op(A)ᵀ·dY
                Gemm.Multiply(k, n, m, a.Floats, a.Shape[1], !transA, dy.Floats, n, false, db.Floats, n, false, context.Parallel);
            gradients[1] = Scale(db, alpha);
        }
        if (NeedsGradient(2))
            gradients[2] = Scale(dy == outputGradients[0] ? dy.Clone() : dy, beta);
        return gradients;
    }

    /// <summary>y = clamp(alpha·y + beta·C), C broadcast from [], [N], [1|M, 1|N].</summary>
    private void Finish(Tensor y, Tensor? c, int m, int n)
    {
        int cRows = c is null || c.Rank < 2 ? 1 : c.Shape[0];
        int cCols = c is null || c.Rank == 0 ? 1 : c.Shape[^1];
        if (c is not null && (c.Rank > 2 || (cRows != 1 && cRows != m) || (cCols != 1 && cCols != n)))
            throw new TensorShapeException($"Gemm '{Name}': C {TensorShape.Format(c.Shape)} does not broadcast to [{m}, {n}]");
        var v = y.Floats;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float r = alpha * v[i * n + j];
                if (c is not null)
                    r += beta * c.Floats[(cRows == 1 ? 0 : i) * cCols + (cCols == 1 ? 0 : j)];
                v[i * n + j] = Activation.Kind == FusedActivationKind.None ? r : Math.Min(Math.Max(r, Activation.Min), Activation.Max);
            }
    }

    private static Tensor Scale(Tensor t, float factor)
    {
        if (factor != 1f)
            System.Numerics.Tensors.TensorPrimitives.Multiply(t.Floats, factor, t.Floats);
        return t;
    }
}
