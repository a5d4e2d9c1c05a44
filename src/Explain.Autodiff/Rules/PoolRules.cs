using Explain.Autodiff.Compiler;

namespace Explain.Autodiff.Rules;

/// <summary>
/// Pooling. Both window pools scatter with one depthwise ConvTranspose whose overlapping windows
/// add up (MaxPool 3×3 stride 2 overlaps), which ScatterElements cannot do before opset 16.
/// </summary>
internal static class PoolRules
{
    public static void Register(Dictionary<string, GradientRule> rules)
    {
        rules["MaxPool"] = MaxPool;
        rules["AveragePool"] = AveragePool;
        rules["GlobalAveragePool"] = GlobalAveragePool;
    }

    /// <summary>
    /// MaxPool: g goes to the window's argmax. A second MaxPool with the Indices output gives each
    /// window's argmax as a flat input index; from it the offset j inside the window
    /// (per axis (p - (o·s - pad)) / d), one-hot over the k window offsets, selects which of the
    /// k copies of g a one-hot ConvTranspose kernel (weight [C·k, 1, kernel], group C, tap j of
    /// copy j) drops at the argmax.
    /// </summary>
    private static string?[] MaxPool(RuleContext c, string?[] g)
    {
        c.OnlyThrough(0);
        if (c.Node.Int("storage_order", 0) != 0)
            throw c.Fail("storage_order 1 (column-major indices) is not supported");
        int[] x = c.InShape(0), y = c.OutShape(0);
        long[] kernel = c.Node.Ints("kernel_shape") ?? throw c.Fail("kernel_shape is required");
        var geo = WindowGeometry.From(c, kernel);
        int n = geo.Rank, channels = x[1];
        long taps = kernel.Aggregate(1L, (a, b) => a * b);

        var indices = c.E.NodeMulti("MaxPool", [c.In(0)], 2, [.. c.Node.Attribute])[1];
        string? offset = null;
        for (int i = 0; i < n; i++)
        {
            long inner = x[(2 + i + 1)..].Aggregate(1L, (a, b) => a * b);
            var position = c.E.Node("Div", [c.E.Node("Mod", [indices, c.E.Int64Scalar(inner * x[2 + i])]), c.E.Int64Scalar(inner)]);
            var origins = Enumerable.Range(0, y[2 + i]).Select(o => o * geo.Strides[i] - geo.Pads[i]).ToArray();
            var originDims = Enumerable.Repeat(1L, n).ToArray();
            originDims[i] = y[2 + i];
            var tap = c.E.Node("Sub", [position, c.E.Int64s(origins, originDims)]);
            if (geo.Dilations[i] != 1)
                tap = c.E.Node("Div", [tap, c.E.Int64Scalar(geo.Dilations[i])]);
            long weight = kernel[(i + 1)..].Aggregate(1L, (a, b) => a * b);
            var term = weight == 1 ? tap : c.E.Node("Mul", [tap, c.E.Int64Scalar(weight)]);
            offset = offset is null ? term : c.E.Node("Add", [offset, term]);
        }
        long[] yDims = y.Select(d => (long)d).ToArray();
        var expanded = c.E.Reshape(offset!, [yDims[0], yDims[1], 1, .. yDims[2..]]);
        var tapIds = c.E.Int64s(Enumerable.Range(0, (int)taps).Select(t => (long)t).ToArray(), [1, 1, taps, .. Enumerable.Repeat(1L, n)]);
        var mask = c.E.Node("Cast", [c.E.Node("Equal", [expanded, tapIds])], Attributes.Of("to", (long)ElementTypes.Float));

        var copies = c.E.Node("Mul", [c.E.Reshape(g[0]!, [-1L, yDims[0], yDims[1], 1, .. yDims[2..]]), mask]);
        var batched = c.E.Reshape(copies, [-1L, channels * taps, .. yDims[2..]]);
        var oneHot = new float[channels * taps * taps];
        for (int ch = 0; ch < channels; ch++)
            for (int t = 0; t < taps; t++)
                oneHot[(ch * taps + t) * taps + t] = 1f;
        var weights = c.E.Floats(oneHot, [channels * taps, 1, .. kernel]);
        var dx = c.E.Node("ConvTranspose", [batched, weights], [.. geo.Transposed(channels)]);
        return [c.E.ReshapeK(dx, x)];
    }

    /// <summary>
    /// AveragePool: each output's g/divisor spread over its window by a ConvTranspose with a
    /// ones kernel (group C). The divisor per output follows PyTorch's avg_pool: the window clipped
    /// to the padded extent (ceil_mode overhang is not counted), and further to the input unless
    /// count_include_pad.
    /// </summary>
    private static string?[] AveragePool(RuleContext c, string?[] g)
    {
        c.OnlyThrough(0);
        int[] x = c.InShape(0), y = c.OutShape(0);
        long[] kernel = c.Node.Ints("kernel_shape") ?? throw c.Fail("kernel_shape is required");
        if (c.Node.Ints("dilations") is { } d && d.Any(v => v != 1))
            throw c.Fail("dilated AveragePool is not supported");
        var geo = WindowGeometry.From(c, kernel);
        bool includePad = c.Node.Int("count_include_pad", 0) != 0;
        int n = geo.Rank, channels = x[1];
        var outDims = y[2..];
        var scale = new float[outDims.Aggregate(1, (a, b) => a * b)];
        var coordinate = new int[n];
        for (int flat = 0; flat < scale.Length; flat++)
        {
            for (int i = n - 1, rest = flat; i >= 0; rest /= outDims[i], i--)
                coordinate[i] = rest % outDims[i];
            scale[flat] = 1f / Divisor(geo, coordinate, includePad);
        }
        var scaled = c.E.Node("Mul", [g[0]!, c.E.Floats(scale, outDims.Select(v => (long)v).ToArray())]);
        var batched = c.E.Reshape(scaled, [-1L, .. y[1..].Select(v => (long)v)]);
        var ones = Enumerable.Repeat(1f, (int)(channels * kernel.Aggregate(1L, (a, b) => a * b))).ToArray();
        var dx = c.E.Node("ConvTranspose", [batched, c.E.Floats(ones, [channels, 1, .. kernel])], [.. geo.Transposed(channels)]);
        return [c.E.ReshapeK(dx, x)];
    }

    private static long Divisor(WindowGeometry geo, int[] output, bool includePad)
    {
        long divisor = 1;
        for (int i = 0; i < geo.Rank; i++)
        {
            long start = output[i] * geo.Strides[i] - geo.Pads[i];
            long end = Math.Min(start + geo.Kernel[i], geo.Input[i] + geo.Pads[i + geo.Rank]);
            long inside = Math.Min(end, geo.Input[i]) - Math.Max(start, 0);
            divisor *= includePad ? end - start : inside;
        }
        return divisor;
    }

    /// <summary>GlobalAveragePool: every input position gets g / (spatial size).</summary>
    private static string?[] GlobalAveragePool(RuleContext c, string?[] g)
    {
        c.OnlyThrough(0);
        int[] x = c.InShape(0);
        float size = x[2..].Aggregate(1, (a, b) => a * b);
        var scaled = c.E.Node("Mul", [g[0]!, c.E.Scalar(1f / size)]);
        return [c.E.Node("Expand", [scaled, c.E.Shape([1L, .. x.Select(v => (long)v)])])];
    }
}
