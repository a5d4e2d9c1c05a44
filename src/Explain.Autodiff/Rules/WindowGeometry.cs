using Explain.Autodiff.Compiler;

namespace Explain.Autodiff.Rules;

/// <summary>
/// The sliding-window attributes shared by Conv, MaxPool and AveragePool, with auto_pad resolved
/// to explicit pads (ONNX Conv spec), and the ConvTranspose attributes that scatter a window
/// gradient back onto exactly the input's extent.
/// </summary>
internal sealed class WindowGeometry
{
    private WindowGeometry(int[] input, int[] output, long[] kernel, long[] strides, long[] dilations, long[] pads)
    {
        Input = input;
        Output = output;
        Kernel = kernel;
        Strides = strides;
        Dilations = dilations;
        Pads = pads;
    }

    /// <summary>Spatial extents of the input and output.</summary>
    public int[] Input { get; }

    public int[] Output { get; }

    public long[] Kernel { get; }

    public long[] Strides { get; }

    public long[] Dilations { get; }

    /// <summary>Begin pads then end pads, as in the ONNX attribute.</summary>
    public long[] Pads { get; }

    public int Rank => Input.Length;

    public static WindowGeometry From(RuleContext c, long[] kernel)
    {
        int[] x = c.InShape(0)[2..], y = c.OutShape(0)[2..];
        int n = x.Length;
        long[] strides = c.Node.Ints("strides") ?? Enumerable.Repeat(1L, n).ToArray();
        long[] dilations = c.Node.Ints("dilations") ?? Enumerable.Repeat(1L, n).ToArray();
        long[] pads = c.Node.Ints("pads") ?? new long[2 * n];
        string autoPad = c.Node.String("auto_pad", "NOTSET");
        if (autoPad is "SAME_UPPER" or "SAME_LOWER")
        {
            pads = new long[2 * n];
            for (int i = 0; i < n; i++)
            {
                long span = (kernel[i] - 1) * dilations[i] + 1;
                long total = Math.Max(0, (y[i] - 1) * strides[i] + span - x[i]);
                long small = total / 2, large = total - small;
                (pads[i], pads[i + n]) = autoPad == "SAME_UPPER" ? (small, large) : (large, small);
            }
        }
        else if (autoPad == "VALID")
            pads = new long[2 * n];
        else if (autoPad != "NOTSET")
            throw c.Fail($"auto_pad '{autoPad}' is not an ONNX value");
        return new WindowGeometry(x, y, kernel, strides, dilations, pads);
    }

    /// <summary>
    /// ConvTranspose attributes (strides, dilations, pads, output_padding) whose output has the
    /// input's extent: output = s·(out - 1) + (k - 1)·d + 1 - begin - end + output_padding. When the
    /// last window overhangs the padded input (ceil_mode), the end pad grows to crop the overhang.
    /// </summary>
    public AttributeList Transposed(long group)
    {
        int n = Rank;
        var pads = (long[])Pads.Clone();
        var outputPadding = new long[n];
        for (int i = 0; i < n; i++)
        {
            long full = Strides[i] * (Output[i] - 1) + (Kernel[i] - 1) * Dilations[i] + 1 - pads[i] - pads[i + n];
            long extra = Input[i] - full;
            if (extra < 0)
                pads[i + n] -= extra;
            else
                outputPadding[i] = extra;
        }
        return
        [
            Attributes.Of("strides", Strides), Attributes.Of("dilations", Dilations), Attributes.Of("pads", pads),
            Attributes.Of("output_padding", outputPadding), Attributes.Of("group", group),
            Attributes.Of("kernel_shape", Kernel),
        ];
    }
}
