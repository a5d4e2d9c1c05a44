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
