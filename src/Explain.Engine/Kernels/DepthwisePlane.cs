using System.Buffers;
using System.Runtime.Intrinsics;

namespace Explain.Engine.Kernels;

/// <summary>
/// Stride-1 depthwise convolution of one plane in a padded frame of width Wp = OW + (KW−1)·dw:
/// there every tap (kh, kw) is ONE contiguous multiply-add over the whole plane,
/// y'[t] += w · xpad[t + kh·dh·Wp + kw·dw], instead of OH short row segments. The Wp − OW frame
/// columns of y' are garbage and dropped when copying out.
/// </summary>
internal static unsafe class DepthwisePlane
{
    public static int FrameWidth(ConvGeometry g) => g.OutWidth + (g.KernelWidth - 1) * g.DilationWidth;

    public static int FrameHeight(ConvGeometry g) => g.OutHeight + (g.KernelHeight - 1) * g.DilationHeight;

    /// <summary>Padded input frame length, with a tail so the last taps may read past the frame.</summary>
    public static int FrameLength(ConvGeometry g) => FrameHeight(g) * FrameWidth(g) + (g.KernelWidth - 1) * g.DilationWidth + 16;

    /// <summary>One output plane y (OH×OW) from one input plane x: embed, run the taps, copy out and clamp.</summary>
    public static void ForwardFramed(ConvGeometry g, ReadOnlySpan<float> x, float* w, float bias, Span<float> y, GemmEpilogue activation)
    {
        int wp = FrameWidth(g), frameLength = FrameLength(g);
        var xFrame = ArrayPool<float>.Shared.Rent(frameLength);
        var yFrame = ArrayPool<float>.Shared.Rent(g.OutHeight * wp);
        Embed(g, x, xFrame.AsSpan(0, frameLength));
        fixed (float* xf = xFrame)
        fixed (float* yf = yFrame)
            Forward(g, xf, w, bias, yf);
        for (int oh = 0; oh < g.OutHeight; oh++)
        {
            var row = y.Slice(oh * g.OutWidth, g.OutWidth);
            yFrame.AsSpan(oh * wp, g.OutWidth).CopyTo(row);
            if (activation.Clamp)
                DepthwiseConvolution.Clamp(row, activation);
        }
        ArrayPool<float>.Shared.Return(xFrame);
        ArrayPool<float>.Shared.Return(yFrame);
    }

    /// <summary>One input plane's gradient from its <paramref name="multiplier"/> consecutive output planes.</summary>
    public static void BackwardFramed(ConvGeometry g, ReadOnlySpan<float> dy, float* w, int multiplier, Span<float> dx)
    {
        int wp = FrameWidth(g), frameLength = FrameLength(g), taps = g.KernelHeight * g.KernelWidth;
        var dxFrame = ArrayPool<float>.Shared.Rent(frameLength);
        var dyFrame = ArrayPool<float>.Shared.Rent(g.OutHeight * wp);
        dxFrame.AsSpan(0, frameLength).Clear();
        dyFrame.AsSpan(0, g.OutHeight * wp).Clear();
        fixed (float* dxf = dxFrame)
        fixed (float* dyf = dyFrame)
            for (int m = 0; m < multiplier; m++)
            {
                for (int oh = 0; oh < g.OutHeight; oh++)
                    dy.Slice((m * g.OutHeight + oh) * g.OutWidth, g.OutWidth).CopyTo(dyFrame.AsSpan(oh * wp));
                Backward(g, dyf, w + m * taps, dxf);
            }
        for (int ih = 0; ih < g.Height; ih++)
            dxFrame.AsSpan((ih + g.PadTop) * wp + g.PadLeft, g.Width).CopyTo(dx.Slice(ih * g.Width, g.Width));
        ArrayPool<float>.Shared.Return(dxFrame);
        ArrayPool<float>.Shared.Return(dyFrame);
    }

    /// <summary>yFrame (OH × Wp) = bias + Σ taps w·shifted xFrame.</summary>
    public static void Forward(ConvGeometry g, float* xFrame, float* w, float bias, float* yFrame)
    {
        int wp = FrameWidth(g), length = g.OutHeight * wp;
        new Span<float>(yFrame, length).Fill(bias);
        for (int kh = 0; kh < g.KernelHeight; kh++)
            for (int kw = 0; kw < g.KernelWidth; kw++)
                MultiplyAdd(xFrame + kh * g.DilationHeight * wp + kw * g.DilationWidth, w[kh * g.KernelWidth + kw], yFrame, length);
    }

    /// <summary>The adjoint: dxFrame[t + offset(tap)] += w · dyFrame[t] (dyFrame's garbage columns must be 0).</summary>
    public static void Backward(ConvGeometry g, float* dyFrame, float* w, float* dxFrame)
    {
        int wp = FrameWidth(g), length = g.OutHeight * wp;
        for (int kh = 0; kh < g.KernelHeight; kh++)
            for (int kw = 0; kw < g.KernelWidth; kw++)
                MultiplyAdd(dyFrame, w[kh * g.KernelWidth + kw], dxFrame + kh * g.DilationHeight * wp + kw * g.DilationWidth, length);
    }

    /// <summary>Copies an H×W plane into a zeroed frame at (PadTop, PadLeft); rows/columns past the frame are dropped.</summary>
    public static void Embed(ConvGeometry g, ReadOnlySpan<float> plane, Span<float> frame)
    {
        int wp = FrameWidth(g), hp = FrameHeight(g);
        frame.Clear();
        int cols = Math.Min(g.Width, wp - g.PadLeft);
        for (int ih = 0; ih < g.Height && ih + g.PadTop < hp; ih++)
            plane.Slice(ih * g.Width, cols).CopyTo(frame.Slice((ih + g.PadTop) * wp + g.PadLeft, cols));
    }

    /// <summary>y += x·a over n floats.</summary>
    private static void MultiplyAdd(float* x, float a, float* y, int n)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var va = Vector512.Create(a);
            for (; i <= n - 16; i += 16)
                Vector512.FusedMultiplyAdd(Vector512.Load(x + i), va, Vector512.Load(y + i)).Store(y + i);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var va = Vector256.Create(a);
            for (; i <= n - 8; i += 8)
                Vector256.MultiplyAddEstimate(Vector256.Load(x + i), va, Vector256.Load(y + i)).Store(y + i);
        }
        for (; i < n; i++)
            y[i] += x[i] * a;
    }
}
