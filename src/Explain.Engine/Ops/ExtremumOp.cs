using Explain.Engine.Kernels;
using Explain.Engine.Kernels.Operators;
using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>
/// ONNX Max / Min (variadic, multidirectional broadcasting; float32, or int64 without gradient). The gradient goes to the
/// input(s) equal to the output; NOTE: ties split g evenly, as PyTorch's maximum/minimum do.
/// Gradients are returned in the output's shape (contract rule 3).
/// </summary>
public sealed class ExtremumOp(bool max) : Op
{
    private Tensor[]? _inputs;
    private Tensor? _y;

    public override Tensor[] Forward(OpContext context, Tensor[] inputs)
    {
        if (inputs.All(i => i.Type == DataType.Int64))
            return [inputs.Skip(1).Aggregate(inputs[0], Integer)];
        var y = Elementwise.RequireFloat(this, inputs[0]);
        for (int i = 1; i < inputs.Length; i++)
        {
            var x = Elementwise.RequireFloat(this, inputs[i]);
            y = max ? Elementwise.Broadcast(context, y, x, new MaxOperator()) : Elementwise.Broadcast(context, y, x, new MinOperator());
        }
        if (inputs.Length == 1)
            y = y.Clone();
        if (context.SaveForBackward)
            (_inputs, _y) = (inputs, y);
        return [y];
    }

    /// <summary>int64 Max/Min carry shape arithmetic; they have no gradient.</summary>
    private Tensor Integer(Tensor a, Tensor b)
    {
        var plan = BroadcastPlan.Create(a.Shape, b.Shape);
        var operation = max ? Int64Arithmetic.Operation.Max : Int64Arithmetic.Operation.Min;
        return Tensor.FromInt64(Int64Arithmetic.Run(plan, a.Longs, b.Longs, operation), plan.OutputShape);
    }

    public override Tensor?[] Backward(OpContext context, Tensor[] outputGradients)
    {
        var inputs = _inputs ?? throw new InvalidOperationException($"ExtremumOp '{Name}': backward without saved state");
        var y = Elementwise.Saved(this, _y);
        var g = outputGradients[0].Floats;
        int n = y.Length;
        var expanded = new float[inputs.Length][];
        var ties = new int[n];
        for (int i = 0; i < inputs.Length; i++)
        {
            expanded[i] = Elementwise.Expand(BroadcastPlan.Create(inputs[i].Shape, y.Shape), inputs[i].Floats, left: true);
            for (int k = 0; k < n; k++)
                ties[k] += expanded[i][k] == y.Floats[k] ? 1 : 0;
        }
        var gradients = new Tensor?[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            if (!NeedsGradient(i))
                continue;
            var r = Tensor.Create(outputGradients[0].Shape);
            for (int k = 0; k < g.Length; k++)
            {
                int j = k % n;
                r.Floats[k] = expanded[i][j] == y.Floats[j] ? g[k] / ties[j] : 0;
            }
            gradients[i] = r;
        }
        return gradients;
    }
}
