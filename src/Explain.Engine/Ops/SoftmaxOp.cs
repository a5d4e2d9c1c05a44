using Explain.Engine.Kernels;
using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>
/// ONNX Softmax / LogSoftmax. Opset ≥ 13 normalises along <c>axis</c> (default −1). Before 13 the
/// input is coerced to 2-D [d0·…·d(axis−1), d(axis)·…·d(n−1)] (default axis 1) and each row is
/// normalised as a whole (<paramref name="legacy"/>). Keeps its output for backward.
/// </summary>
public sealed class SoftmaxOp(long axis, bool log, bool legacy) : Op
{
    private Tensor? _y;
    private (int Outer, int Dim, int Inner) _view;

    public override Tensor[] Forward(OpContext context, Tensor[] inputs)
    {
        var x = Elementwise.RequireFloat(this, inputs[0]);
        var view = View(x.Shape);
        var y = Tensor.Create(x.Shape);
        SoftmaxKernel.Forward(x.Floats, y.Floats, view.Outer, view.Dim, view.Inner, log);
        if (context.SaveForBackward)
            (_y, _view) = (y, view);
        return [y];
    }

    public override Tensor?[] Backward(OpContext context, Tensor[] outputGradients)
    {
        if (!NeedsGradient(0))
            return [null];
        var y = Elementwise.Saved(this, _y);
        var g = outputGradients[0];
        var dx = Tensor.Create(g.Shape);
        int n = y.Length;
        for (int start = 0; n > 0 && start < g.Length; start += n)
            SoftmaxKernel.Backward(y.Floats, g.Floats.AsSpan(start, n), dx.Floats.AsSpan(start, n), _view.Outer, _view.Dim, _view.Inner, log);
        return [dx];
    }

    private (int Outer, int Dim, int Inner) View(int[] shape)
    {
        if (shape.Length == 0)
            return (1, 1, 1);
        int a = TensorShape.NormalizeAxis(axis, shape.Length);
        int outer = TensorShape.ElementCount(shape.AsSpan(0, a));
        if (legacy)
            return (outer, TensorShape.ElementCount(shape.AsSpan(a)), 1);
        return (outer, shape[a], TensorShape.ElementCount(shape.AsSpan(a + 1)));
    }
}
