using Explain.Engine.Errors;
using Explain.Engine.Tensors;

namespace Explain.Engine.Kernels;

/// <summary>
/// Shapes of a 2-D NCHW convolution: input [Batch, Channels, Height, Width], weights
/// [OutChannels, Channels/Group, KernelHeight, KernelWidth], output [Batch, OutChannels, OutHeight, OutWidth].
/// Pads are resolved (auto_pad applied) by <see cref="Create"/>.
/// </summary>
public sealed record ConvGeometry(
    int Batch, int Channels, int Height, int Width,
    int OutChannels, int Group, int KernelHeight, int KernelWidth,
    int StrideHeight, int StrideWidth, int DilationHeight, int DilationWidth,
    int PadTop, int PadLeft, int OutHeight, int OutWidth)
{
    public int GroupChannels => Channels / Group;

    public int GroupOutChannels => OutChannels / Group;

    /// <summary>GEMM depth per group: Channels/Group · KernelHeight · KernelWidth.</summary>
    public int ColumnRows => GroupChannels * KernelHeight * KernelWidth;

    public int OutPlane => OutHeight * OutWidth;

    public int InPlane => Height * Width;

    /// <summary>1×1, stride 1, no padding: the input plane already is the GEMM's right operand.</summary>
    public bool IsPointwise => KernelHeight == 1 && KernelWidth == 1 && StrideHeight == 1 && StrideWidth == 1
        && PadTop == 0 && PadLeft == 0 && OutHeight == Height && OutWidth == Width;

    /// <summary>One filter (or a channel multiplier of them) per input channel: the direct kernel is faster than GEMM.</summary>
    public bool IsDepthwise => Group > 1 && Group == Channels;

    /// <summary>
    /// Resolves pads and output size per the ONNX Conv spec: explicit pads for NOTSET, none for
    /// VALID, and for SAME_UPPER/SAME_LOWER output = ceil(input / stride) with the odd padding
    /// element at the end (UPPER) or the beginning (LOWER).
    /// </summary>
    /// <param name="pads">[top, left, bottom, right] as in ONNX (begins then ends).</param>
    public static ConvGeometry Create(int[] x, int[] w, int group, ReadOnlySpan<int> strides, ReadOnlySpan<int> dilations, ReadOnlySpan<int> pads, string autoPad)
    {
        if (x.Length != 4 || w.Length != 4)
            throw new TensorShapeException($"Conv expects 4-D input and weights, got {TensorShape.Format(x)} and {TensorShape.Format(w)}");
        if (group < 1 || x[1] % group != 0 || w[0] % group != 0 || w[1] * group != x[1])
            throw new TensorShapeException($"Conv group {group} does not fit input {TensorShape.Format(x)} and weights {TensorShape.Format(w)}");
        if (strides[0] < 1 || strides[1] < 1 || dilations[0] < 1 || dilations[1] < 1)
            throw new TensorShapeException("Conv strides and dilations must be positive");
        var (top, outH) = Resolve(x[2], w[2], strides[0], dilations[0], pads[0], pads[2], autoPad);
        var (left, outW) = Resolve(x[3], w[3], strides[1], dilations[1], pads[1], pads[3], autoPad);
        return new ConvGeometry(x[0], x[1], x[2], x[3], w[0], group, w[2], w[3],
            strides[0], strides[1], dilations[0], dilations[1], top, left, outH, outW);
    }

    /// <summary>The leading pad and the output length along one axis.</summary>
    private static (int Begin, int Out) Resolve(int input, int kernel, int stride, int dilation, int begin, int end, string autoPad)
    {
        int extent = (kernel - 1) * dilation + 1;
        switch (autoPad)
        {
            case "NOTSET":
            case "VALID":
                if (autoPad == "VALID")
                    begin = end = 0;
                if (begin < 0 || end < 0)
                    throw new TensorShapeException("Conv pads must not be negative");
                if (input + begin + end < extent)
                    throw new TensorShapeException($"Conv kernel extent {extent} exceeds the padded input {input + begin + end}");
                return (begin, (input + begin + end - extent) / stride + 1);
            case "SAME_UPPER":
            case "SAME_LOWER":
                int output = (input + stride - 1) / stride;
                int total = Math.Max(0, (output - 1) * stride + extent - input);
                return (autoPad == "SAME_UPPER" ? total / 2 : total - total / 2, output);
            default:
                throw new UnsupportedFeatureException($"Conv auto_pad '{autoPad}' is not supported");
        }
    }
}
