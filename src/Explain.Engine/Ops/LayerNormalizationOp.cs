using Explain.Engine.Errors;
using Explain.Engine.Kernels;
using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>
/// ONNX LayerNormalization (opset 17): each row over axes [axis, rank) is normalised,
/// y = (x − μ)·r·Scale + B with r = 1/√(σ² + ε); optional outputs Mean and InvStdDev have the input
/// shape with the normalised axes set to 1. Backward w.r.t. X (Ba et al. 2016), with x̂ = (x − μ)·r
/// and h = g·Scale: dx = r·(h − mean(h) − x̂·mean(h·x̂)), plus the terms from the optional outputs.
/// </summary>
public sealed class LayerNormalizationOp(long axis, float epsilon) : Op
{
    private float[]? _normalized, _inverse, _scale;

    public override Tensor[] Forward(OpContext context, Tensor[] inputs)
    {
        var x = Elementwise.RequireFloat(this, inputs[0]);
        int a = TensorShape.NormalizeAxis(axis, x.Rank);
        int[] rowShape = x.Shape[a..];
        int rows = TensorShape.ElementCount(x.Shape.AsSpan(0, a)), width = TensorShape.ElementCount(rowShape);
        float[] scale = Parameter(inputs, 1, rowShape) ?? Filled(width, 1f);
        float[] bias = Parameter(inputs, 2, rowShape) ?? new float[width];
        var y = Tensor.Create(x.Shape);
        int[] statShape = [.. x.Shape[..a], .. Enumerable.Repeat(1, x.Rank - a)];
        var mean = Tensor.Create(statShape);
        var inverse = Tensor.Create(statShape);
        float[]? normalized = context.SaveForBackward ? new float[x.Length] : null;
        for (int r = 0; r < rows; r++)
        {
            var row = x.Floats.AsSpan(r * width, width);
            double mu = 0, variance = 0;
            foreach (float v in row)
                mu += v;
            mu /= width;
            foreach (float v in row)
                variance += (v - mu) * (v - mu);
            double inv = 1 / Math.Sqrt(variance / width + epsilon);
            (mean.Floats[r], inverse.Floats[r]) = ((float)mu, (float)inv);
            for (int i = 0; i < width; i++)
            {
                float xhat = (float)((row[i] - mu) * inv);
                y.Floats[r * width + i] = xhat * scale[i] + bias[i];
                if (normalized is not null)
                    normalized[r * width + i] = xhat;
            }
        }
        if (context.SaveForBackward)
            (_normalized, _inverse, _scale) = (normalized, inverse.Floats, scale);
        return [y, mean, inverse];
    }

    public override Tensor?[] Backward(OpContext context, Tensor[] outputGradients)
    {
        var gradients = new Tensor?[3];
        if (!NeedsGradient(0))
            return gradients;
        // Optional outputs: ∂μ/∂x_i = 1/W and ∂r/∂x_i = −r²·x̂_i/W.
        float[]? gMean = outputGradients.Length > 1 ? outputGradients[1]?.Floats : null;
        float[]? gInverse = outputGradients.Length > 2 ? outputGradients[2]?.Floats : null;
        var (xhat, inv, scale) = (_normalized!, _inverse!, _scale ?? throw new InvalidOperationException($"LayerNormalization '{Name}': backward without saved state"));
        var g = outputGradients[0];
        var dx = Tensor.Create(g.Shape);
        int width = scale.Length, rows = inv.Length;
        var h = new double[width];
        for (int r = 0; width > 0 && r < g.Length / width; r++)
        {
            int saved = r % rows;
            double meanH = 0, meanHx = 0;
            for (int i = 0; i < width; i++)
            {
                h[i] = (double)g.Floats[r * width + i] * scale[i];
                meanH += h[i];
                meanHx += h[i] * xhat[saved * width + i];
            }
            meanH /= width;
            meanHx /= width;
            double fromMean = gMean is null ? 0 : gMean[r] / (double)width;
            double fromInverse = gInverse is null ? 0 : -gInverse[r] * (double)inv[saved] * inv[saved] / width;
            for (int i = 0; i < width; i++)
            {
                double x = xhat[saved * width + i];
                dx.Floats[r * width + i] = (float)(inv[saved] * (h[i] - meanH - x * meanHx) + fromMean + fromInverse * x);
            }
        }
        gradients[0] = dx;
        return gradients;
    }

    /// <summary>Scale or B broadcast (unidirectionally) to the normalised shape; null when omitted.</summary>
    private float[]? Parameter(Tensor[] inputs, int index, int[] rowShape)
    {
        if (inputs.Length <= index || inputs[index] is null)
            return null;
        var p = Elementwise.RequireFloat(this, inputs[index]);
        var plan = BroadcastPlan.Create(rowShape, p.Shape);
        if (!plan.OutputShape.AsSpan().SequenceEqual(rowShape))
            throw new TensorShapeException($"LayerNormalization '{Name}': input {index} {TensorShape.Format(p.Shape)} does not broadcast to {TensorShape.Format(rowShape)}");
        return Elementwise.Expand(plan, p.Floats, left: false);
    }

    private static float[] Filled(int n, float value)
    {
        var a = new float[n];
        Array.Fill(a, value);
        return a;
    }
}
