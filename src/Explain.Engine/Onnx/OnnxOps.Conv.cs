using Explain.Engine.Ops;

namespace Explain.Engine.Onnx;

public static partial class OnnxOps
{
    /// <summary>Conv, Gemm and MatMul: the GEMM-backed ops. Attribute defaults per the ONNX operator spec.</summary>
    private static void RegisterConv(Dictionary<string, Builder> registry)
    {
        registry["Conv"] = (a, opset) => new ConvOp(
            a.String("auto_pad", "NOTSET"), a.Ints("dilations"), a.Int("group", 1), a.Ints("kernel_shape"), a.Ints("pads"), a.Ints("strides"));
        // Gemm < 7 had a "broadcast" attribute; without it C had to be full-size, which we also accept.
        registry["Gemm"] = (a, opset) => new GemmOp(a.Int("transA", 0) != 0, a.Int("transB", 0) != 0, a.Float("alpha", 1f), a.Float("beta", 1f));
        registry["MatMul"] = (a, opset) => new MatMulOp();
    }
}
