using Explain.Engine.Kernels;
using Explain.Engine.Kernels.Operators;
using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>
/// ONNX Pow (float32 base; float32 or int64 exponent) with multidirectional broadcasting. ∂/∂a = g·b·a^(b−1), ∂/∂b = g·y·ln a.
/// NOTE: as PyTorch's pow_backward, ∂/∂a is 0 where b == 0 and ∂/∂b is 0 where a == 0 and b ≥ 0
/// (otherwise 0·ln 0 would give NaN for the common x² with x = 0).
/// </summary>
public sealed class PowOp : Op
{
    private Tensor? _a, _b, _y;

    public override Tensor[] Forward(OpContext context, Tensor[] inputs)
    {
        var a = Elementwise.RequireFloat(this, inputs[0]);
        // ONNX Pow allows an integer exponent with a float base (output type follows the base).
        var b = inputs[1].Type == DataType.Int64 ? Tensor.FromArray(inputs[1].ToFloatArray(), inputs[1].Shape) : inputs[1];
        var y = Elementwise.Broadcast(context, a, b, new PowOperator());
        if (context.SaveForBackward)
            (_a, _b, _y) = (a, b, y);
        return [y];
    }

    public override Tensor?[] Backward(OpContext context, Tensor[] outputGradients)
    {
        var g = outputGradients[0].Floats;
        var y = Elementwise.Saved(this, _y);
        var plan = BroadcastPlan.Create(Elementwise.Saved(this, _a).Shape, Elementwise.Saved(this, _b).Shape);
        float[] a = Elementwise.Expand(plan, _a!.Floats, left: true), b = Elementwise.Expand(plan, _b!.Floats, left: false);
        Tensor? ga = NeedsGradient(0) ? Tensor.Create(outputGradients[0].Shape) : null;
        Tensor? gb = NeedsGradient(1) ? Tensor.Create(outputGradients[0].Shape) : null;
        int n = y.Length;
        for (int k = 0; k < g.Length; k++)
        {
            int i = k % n;
            if (ga is not null)
                ga.Floats[k] = b[i] == 0 ? 0 : (float)(g[k] * b[i] * Math.Pow(a[i], b[i] - 1.0));
            if (gb is not null)
                gb.Floats[k] = a[i] == 0 && b[i] >= 0 ? 0 : (float)(g[k] * y.Floats[i] * Math.Log(a[i]));
        }
        return [ga, gb];
    }
}
