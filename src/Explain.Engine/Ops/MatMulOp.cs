using Explain.Engine.Errors;
using Explain.Engine.Kernels;
using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>
/// ONNX MatMul (numpy.matmul): a 1-D operand gains a unit dimension that the result drops again;
/// leading (batch) dimensions broadcast. Gradients are summed back over broadcast batch dimensions.
/// </summary>
public sealed class MatMulOp : Op
{
    private Tensor? _a, _b;
    private int _inputCount;

    public override Tensor[] Forward(OpContext context, Tensor[] inputs)
    {
        var (a, b) = (inputs[0], inputs[1]);
        if (a.Type != DataType.Float32 || b.Type != DataType.Float32)
            throw new UnsupportedFeatureException($"MatMul '{Name}': only float32 is supported");
        var layout = MatMulLayout.Create(a.Shape, b.Shape);
        var y = Tensor.Create(layout.OutputShape);
        for (int batch = 0; batch < layout.Batches; batch++)
            Gemm.Multiply(layout.M, layout.N, layout.K,
                a.Floats.AsSpan(layout.AOffset(batch)), layout.K, false,
                b.Floats.AsSpan(layout.BOffset(batch)), layout.N, false,
                y.Floats.AsSpan(batch * layout.M * layout.N), layout.N, false, context.Parallel);
        if (context.SaveForBackward)
            (_a, _b, _inputCount) = (a, b, inputs.Length);
        return [y];
    }

    public override Tensor?[] Backward(OpContext context, Tensor[] outputGradients)
    {
        var gradients = new Tensor?[Math.Max(NeedsInputGradient.Length, _inputCount)];
        var (a, b) = (_a ?? throw new InvalidOperationException($"MatMul '{Name}': backward without a saved forward pass"), _b!);
        var dy = outputGradients[0];
        int factor = BatchFactor(dy, MatMulLayout.Create(a.Shape, b.Shape).OutputShape);
        if (factor > 1)
            (a, b) = (Repeat(a, factor, NeedsGradient(0)), Repeat(b, factor, NeedsGradient(1)));
        var layout = MatMulLayout.Create(a.Shape, b.Shape);
        if (!TensorShape.SameShape(dy.Shape, layout.OutputShape))
            throw new TensorShapeException($"MatMul '{Name}': gradient {TensorShape.Format(dy.Shape)} does not match output {TensorShape.Format(layout.OutputShape)}");
        int m = layout.M, n = layout.N, k = layout.K;
        var da = NeedsGradient(0) ? Tensor.Zeros(a.Shape) : null;
        var db = NeedsGradient(1) ? Tensor.Zeros(b.Shape) : null;
        // Sequential over batches: broadcast operands accumulate into one gradient block.
        for (int batch = 0; batch < layout.Batches; batch++)
        {
            var g = dy.Floats.AsSpan(batch * m * n);
            if (da is not null) // dA = dY·Bᵀ
                Gemm.Multiply(m, k, n, g, n, false, b.Floats.AsSpan(layout.BOffset(batch)), n, true,
                    da.Floats.AsSpan(layout.AOffset(batch)), k, true, context.Parallel);
            if (db is not null) // dB = Aᵀ·dY
                Gemm.Multiply(k, n, m, a.Floats.AsSpan(layout.AOffset(batch)), k, true, g, n, false,
                    db.Floats.AsSpan(layout.BOffset(batch)), n, true, context.Parallel);
        }
        gradients[0] = da;
        gradients[1] = db;
        return gradients;
    }

    /// <summary>
    /// Batched seeds: an operand whose dimension 0 is the output's batch dimension is tiled F times,
    /// so its gradient gets F·N rows. One that needs a gradient but does not carry the batch cannot.
    /// </summary>
    private Tensor Repeat(Tensor t, int factor, bool needsGradient)
    {
        var output = MatMulLayout.Create(_a!.Shape, _b!.Shape).OutputShape;
        bool carriesBatch = t.Rank == output.Length && t.Rank >= 2 && t.Shape[0] == output[0] && (t.Rank > 2 || ReferenceEquals(t, _a));
        if (!carriesBatch)
            return needsGradient ? throw new NotSupportedException($"MatMul '{Name}': batched seeds need the batch on dimension 0 of the input") : t;
        var tiled = Tensor.Create(ScaleBatch(t.Shape, factor));
        for (int f = 0; f < factor; f++)
            t.Floats.CopyTo(tiled.Floats, f * t.Length);
        return tiled;
    }
}
