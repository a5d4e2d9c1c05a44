using Explain.Engine.Errors;

namespace Explain.Engine.Kernels;

// One spatial axis of a pooling window: output position o covers input positions
// o·Stride − PadBegin + k·Dilation for k in [0, Kernel). Taps outside [0, In) are padding.
internal readonly record struct PoolAxis(int In, int Kernel, int Stride, int Dilation, int PadBegin, int PadEnd, int Out)
{
    // Output size and pads per the ONNX spec. With ceil_mode the last window must start inside the
    // input or the begin padding, as in PyTorch (windows starting in the end padding are dropped).
    public static PoolAxis Create(int inSize, int kernel, int stride, int dilation, int padBegin, int padEnd, string autoPad, bool ceilMode)
    {
        if (kernel <= 0 || stride <= 0 || dilation <= 0 || padBegin < 0 || padEnd < 0)
            throw new TensorShapeException($"pooling: invalid kernel {kernel}, stride {stride}, dilation {dilation} or pads {padBegin}/{padEnd}");
        int effective = (kernel - 1) * dilation + 1;
        int outSize;
        switch (autoPad)
        {
            case "SAME_UPPER" or "SAME_LOWER":
                outSize = (inSize + stride - 1) / stride;
                int total = Math.Max(0, (outSize - 1) * stride + effective - inSize);
                padBegin = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
                padEnd = total - padBegin;
                break;
            case "VALID" or "NOTSET":
                if (autoPad == "VALID")
                    padBegin = padEnd = 0;
                int span = inSize + padBegin + padEnd - effective;
                if (span < 0)
                    throw new TensorShapeException($"pooling: window {effective} exceeds padded input {inSize + padBegin + padEnd}");
                outSize = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1;
                if (ceilMode && (outSize - 1) * stride >= inSize + padBegin)
                    outSize--;
                break;
            default:
                throw new UnsupportedFeatureException($"pooling: auto_pad '{autoPad}' is not supported");
        }
        return new PoolAxis(inSize, kernel, stride, dilation, padBegin, padEnd, outSize);
    }

    // The window start (may be negative, inside the begin padding).
    public int Start(int o) => o * Stride - PadBegin;

    // Kernel taps [first, last) of output o that fall inside the input.
    public (int First, int Last) Taps(int o)
    {
        int start = Start(o);
        int first = start >= 0 ? 0 : (-start + Dilation - 1) / Dilation;
        int last = start > In - 1 ? 0 : Math.Min(Kernel, (In - 1 - start) / Dilation + 1);
        return (first, Math.Max(first, last));
    }

    // Outputs [first, last] whose whole window lies inside the input (no clipping arithmetic needed).
    public (int First, int Last) Interior()
    {
        int lastStart = In - 1 - (Kernel - 1) * Dilation + PadBegin;
        return ((PadBegin + Stride - 1) / Stride, lastStart < 0 ? -1 : lastStart / Stride);
    }

    // Taps of output o inside the padded input (count_include_pad divisor; ceil_mode windows are clipped).
    public int PaddedTaps(int o)
    {
        int start = o * Stride;
        int padded = In + PadBegin + PadEnd;
        return start > padded - 1 ? 0 : Math.Min(Kernel, (padded - 1 - start) / Dilation + 1);
    }
}
