using Explain.Engine.Errors;
using Explain.Engine.Ops;

namespace Explain.Engine.Kernels;

// NCHW pooling geometry; 1-D pooling (NCW) is run as NCHW with H = 1.
internal readonly record struct PoolGeometry(int Planes, PoolAxis H, PoolAxis W, int[] OutputShape)
{
    public int InPlane => H.In * W.In;

    public int OutPlane => H.Out * W.Out;

    public static PoolGeometry Create(PoolSettings s, int[] inputShape)
    {
        int spatial = inputShape.Length - 2;
        if (spatial == 3 || s.KernelShape.Length == 3)
            throw new UnsupportedFeatureException("3-D pooling is not supported");
        if (spatial is not (1 or 2) || s.KernelShape.Length != spatial)
            throw new TensorShapeException($"pooling: kernel_shape of rank {s.KernelShape.Length} for input rank {inputShape.Length}");
        long At(long[] values, int i, long fallback) => values.Length == 0 ? fallback : values[i];
        PoolAxis Axis(int i) => PoolAxis.Create(
            inputShape[2 + i], checked((int)s.KernelShape[i]), checked((int)At(s.Strides, i, 1)), checked((int)At(s.Dilations, i, 1)),
            checked((int)At(s.Pads, i, 0)), checked((int)At(s.Pads, i + spatial, 0)), s.AutoPad, s.CeilMode);
        if (s.Pads.Length is not 0 && s.Pads.Length != 2 * spatial)
            throw new TensorShapeException($"pooling: {s.Pads.Length} pads for {spatial} spatial axes");
        var w = Axis(spatial - 1);
        var h = spatial == 2 ? Axis(0) : new PoolAxis(1, 1, 1, 1, 0, 0, 1);
        var shape = spatial == 2
            ? new[] { inputShape[0], inputShape[1], h.Out, w.Out }
            : new[] { inputShape[0], inputShape[1], w.Out };
        return new PoolGeometry(inputShape[0] * inputShape[1], h, w, shape);
    }
}
