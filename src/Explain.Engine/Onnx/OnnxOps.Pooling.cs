using Explain.Engine.Errors;
using Explain.Engine.Ops;

namespace Explain.Engine.Onnx;

public static partial class OnnxOps
{
    private static void RegisterPooling(Dictionary<string, Builder> registry)
    {
        registry["MaxPool"] = (a, _) => a.OutputCount > 1
            ? throw new UnsupportedFeatureException("MaxPool's optional Indices output is not supported")
            : new MaxPoolOp(PoolSettingsOf(a));
        registry["AveragePool"] = (a, _) => new AveragePoolOp(PoolSettingsOf(a), a.Int("count_include_pad", 0) != 0);
        registry["GlobalAveragePool"] = (_, _) => new GlobalAveragePoolOp();
        registry["GlobalMaxPool"] = (_, _) => new GlobalMaxPoolOp();
    }

    /// <summary>
    /// MaxPool/AveragePool attributes with the spec defaults (strides and dilations 1, pads 0,
    /// auto_pad NOTSET, ceil_mode 0). storage_order only affects the unsupported Indices output.
    /// </summary>
    private static PoolSettings PoolSettingsOf(NodeAttributes a)
    {
        long[] kernel = a.Ints("kernel_shape") ?? throw new GraphException($"node '{a.Node}': pooling without kernel_shape");
        if (kernel.Length == 3)
            throw new UnsupportedFeatureException("3-D pooling is not supported");
        if (kernel.Length is not (1 or 2))
            throw new GraphException($"node '{a.Node}': kernel_shape of rank {kernel.Length}");
        return new PoolSettings(
            kernel, a.Ints("strides", []), a.Ints("pads", []), a.Ints("dilations", []),
            a.String("auto_pad", "NOTSET"), a.Int("ceil_mode", 0) != 0);
    }
}
