using Explain.Engine.Kernels;
using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>
/// ONNX MaxPool over NCHW (NCW as H = 1), planes in parallel. Keeps the argmax of every output
/// when saving for backward; backward routes each gradient to its argmax.
/// </summary>
public sealed class MaxPoolOp(PoolSettings settings) : Op
{
    private int[] _inputShape = [];
    private PoolGeometry _geometry;
    private int[] _argmax = [];

    public override Tensor[] Forward(OpContext context, Tensor[] inputs)
    {
        var x = TensorStorage.RequireFloat(inputs[0], "MaxPool");
        var geo = PoolGeometry.Create(settings, x.Shape);
        var y = Tensor.Create(geo.OutputShape);
        var argmax = context.SaveForBackward ? new int[y.Length] : [];
        int inPlane = geo.InPlane, outPlane = geo.OutPlane;
        PlaneLoop.For(context, geo.Planes, (long)outPlane * geo.H.Kernel * geo.W.Kernel, p =>
        {
            bool small = geo.W.In <= 2048;
            Span<float> rows = small ? stackalloc float[geo.W.In] : new float[geo.W.In];
            Span<int> rowArgs = argmax.Length == 0 ? [] : small ? stackalloc int[geo.W.In] : new int[geo.W.In];
            MaxPoolKernel.Forward(
                x.Floats.AsSpan(p * inPlane, inPlane), geo.H, geo.W,
                y.Floats.AsSpan(p * outPlane, outPlane),
                argmax.Length == 0 ? [] : argmax.AsSpan(p * outPlane, outPlane), rows, rowArgs);
        });
        (_inputShape, _geometry, _argmax) = (x.Shape, geo, argmax);
        return [y];
    }

    public override Tensor?[] Backward(OpContext context, Tensor[] outputGradients)
    {
        if (!NeedsGradient(0))
            return [null];
        var g = outputGradients[0];
        if (_argmax.Length == 0 && g.Length > 0)
            throw new InvalidOperationException("MaxPool: backward without a forward pass that saved for backward");
        var geo = _geometry;
        int inPlane = geo.InPlane, outPlane = geo.OutPlane;
        int factor = TensorStorage.SeedFactor(g, geo.Planes * outPlane);
        var dx = Tensor.Zeros(ScaleBatch(_inputShape, factor));
        var argmax = _argmax;
        // Seed row r belongs to forward sample r % N, so gradient plane p reads saved plane p % (N·C).
        PlaneLoop.For(context, geo.Planes * factor, outPlane, p =>
            MaxPoolKernel.Backward(
                g.Floats.AsSpan(p * outPlane, outPlane),
                argmax.AsSpan(p % geo.Planes * outPlane, outPlane),
                dx.Floats.AsSpan(p * inPlane, inPlane)));
        return [dx];
    }
}
