using Explain.Engine.Kernels;
using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>
/// ONNX AveragePool over NCHW (NCW as H = 1), planes in parallel. Backward spreads each output
/// gradient evenly over its window's input taps with the forward divisor; it needs no saved tensors.
/// </summary>
public sealed class AveragePoolOp(PoolSettings settings, bool countIncludePad) : Op
{
    private int[] _inputShape = [];
    private PoolGeometry _geometry;

    public override Tensor[] Forward(OpContext context, Tensor[] inputs)
    {
        var x = TensorStorage.RequireFloat(inputs[0], "AveragePool");
        var geo = PoolGeometry.Create(settings, x.Shape);
        var y = Tensor.Create(geo.OutputShape);
        int inPlane = geo.InPlane, outPlane = geo.OutPlane;
        PlaneLoop.For(context, geo.Planes, (long)outPlane * geo.H.Kernel * geo.W.Kernel, p =>
        {
            Span<float> rows = geo.W.In <= 4096 ? stackalloc float[geo.W.In] : new float[geo.W.In];
            AveragePoolKernel.Forward(
                x.Floats.AsSpan(p * inPlane, inPlane), geo.H, geo.W, countIncludePad,
                y.Floats.AsSpan(p * outPlane, outPlane), rows);
        });
        (_inputShape, _geometry) = (x.Shape, geo);
        return [y];
    }

    public override Tensor?[] Backward(OpContext context, Tensor[] outputGradients)
    {
        if (!NeedsGradient(0))
            return [null];
        var g = outputGradients[0];
        var geo = _geometry;
        int inPlane = geo.InPlane, outPlane = geo.OutPlane;
        int factor = TensorStorage.SeedFactor(g, geo.Planes * outPlane);
        var dx = Tensor.Zeros(ScaleBatch(_inputShape, factor));
        PlaneLoop.For(context, geo.Planes * factor, (long)outPlane * geo.H.Kernel * geo.W.Kernel, p =>
        {
            Span<float> rows = geo.W.In <= 4096 ? stackalloc float[geo.W.In] : new float[geo.W.In];
            AveragePoolKernel.Backward(
                g.Floats.AsSpan(p * outPlane, outPlane), geo.H, geo.W, countIncludePad,
                dx.Floats.AsSpan(p * inPlane, inPlane), rows);
        });
        return [dx];
    }
}
