using Explain.Autodiff.Compiler;

namespace Explain.Autodiff.Rules;

/// <summary>
/// Resize, linear mode on the last two axes (the bilinear upsampling that ends torchvision's LRASPP,
/// DeepLabV3 and FCN heads, F.interpolate(..., mode="bilinear")). Linear interpolation is separable:
/// with the interpolation matrices R_h [H_out, H_in] and R_w [W_out, W_in], Y = R_h · X · R_wᵀ per
/// plane, so dX = R_hᵀ · g · R_w: two MatMuls with constant matrices, which broadcast over the
/// gradient's [K, N, C] axes. The matrices follow ONNX Runtime's linear kernel (upsample.h): the source
/// coordinate by coordinate_transformation_mode, clamped to [0, in − 1], split between its two
/// neighbours floor(x) and min(floor(x) + 1, in − 1).
/// </summary>
internal static class ResizeRules
{
    private static readonly string[] Transforms = ["half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric"];

    public static void Register(Dictionary<string, GradientRule> rules) => rules["Resize"] = Resize;

    private static string?[] Resize(RuleContext c, string?[] g)
    {
        // roi, scales and sizes are constants or shape arithmetic: only the data carries a gradient.
        c.OnlyThrough(0);
        string mode = c.Node.String("mode", "nearest");
        if (mode != "linear")
            throw c.Fail($"mode '{mode}' is not supported (linear only)");
        if (c.Node.Int("antialias", 0) != 0 || c.Node.Has("axes") || c.Node.String("keep_aspect_ratio_policy", "stretch") != "stretch")
            throw c.Fail("antialias, axes and keep_aspect_ratio_policy (opset 18) are not supported");
        string transform = c.Node.String("coordinate_transformation_mode", "half_pixel");
        if (!Transforms.Contains(transform))
            throw c.Fail($"coordinate_transformation_mode '{transform}' is not supported ({string.Join(", ", Transforms)})");
        int[] x = c.InShape(0), y = c.OutShape(0);
        if (x.Length != 4 || x[0] != y[0] || x[1] != y[1])
            throw c.Fail($"only [N, C, H, W] inputs resized over H and W are supported, not [{string.Join(", ", x)}] -> [{string.Join(", ", y)}]");
        var (scaleH, scaleW) = Scales(c, x, y);
        // dX = R_hᵀ · (g · R_w): g [K, N, C, H_out, W_out] · R_w [W_out, W_in], then R_hᵀ [H_in, H_out] · that.
        var rw = c.E.Floats(Matrix(y[3], x[3], scaleW, transform), [y[3], x[3]]);
        var rhT = c.E.Floats(Transposed(Matrix(y[2], x[2], scaleH, transform), y[2], x[2]), [x[2], y[2]]);
        return [c.E.Node("MatMul", [rhT, c.E.Node("MatMul", [g[0]!, rw])])];
    }

    /// <summary>The scales ONNX Runtime interpolates with: the scales input when given, else output / input size (sizes given).</summary>
    private static (float H, float W) Scales(RuleContext c, int[] x, int[] y)
    {
        if (c.HasInput(2))
        {
            if (!c.Constants.TryFloats(c.In(2), out var scales) || scales.Length != 4)
                throw c.Fail("the scales input is not a constant of four values");
            if (scales[0] != 1f || scales[1] != 1f)
                throw c.Fail("resizing the batch or channel axis is not supported");
            return (scales[2], scales[3]);
        }
        return ((float)y[2] / x[2], (float)y[3] / x[3]);
    }

    /// <summary>R [outLength, inLength] of one axis, row o the weights output o takes from each input position.</summary>
    internal static float[] Matrix(int outLength, int inLength, float scale, string transform)
    {
        var r = new float[outLength * inLength];
        for (int o = 0; o < outLength; o++)
        {
            float source = transform switch
            {
                "half_pixel" => (o + 0.5f) / scale - 0.5f,
                "pytorch_half_pixel" => outLength > 1 ? (o + 0.5f) / scale - 0.5f : 0f,
                "align_corners" => outLength == 1 ? 0f : o * (inLength - 1) / (float)(outLength - 1),
                "asymmetric" => o / scale,
                _ => throw new ArgumentException($"coordinate_transformation_mode '{transform}'"),
            };
            source = Math.Clamp(source, 0f, inLength - 1);
            int low = Math.Min((int)source, inLength - 1), high = Math.Min(low + 1, inLength - 1);
            if (low == high)
            {
                // NOTE: ONNX Runtime gives both neighbours 0.5 when they coincide (the last input position): the same sum.
                r[o * inLength + low] = 1f;
                continue;
            }
            float fraction = source - low;
            r[o * inLength + low] += 1f - fraction;
            r[o * inLength + high] += fraction;
        }
        return r;
    }

    private static float[] Transposed(float[] m, int rows, int columns)
    {
        var t = new float[m.Length];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++)
                t[j * rows + i] = m[i * columns + j];
        return t;
    }
}
