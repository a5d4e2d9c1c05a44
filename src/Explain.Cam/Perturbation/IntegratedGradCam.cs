using Explain.Cam.Backends;
using Explain.Engine.Tensors;

namespace Explain.Cam.Perturbation;

/// <summary>
/// Integrated Grad-CAM (Sattarzadeh et al., ICASSP 2021): the Grad-CAM terms integrated along the
/// straight path from a baseline x₀ = 0 to the input, by a Riemann sum over M = 16 points
/// α_m = m/M (m = 1..M): raw = (1/M) Σ_m Σ_k mean_ij(∂y/∂A^k(α_m x)) · A^k(α_m x). The M points
/// run as one batch: one forward and one backward pass with all targets' seeds stacked.
/// </summary>
public sealed class IntegratedGradCam : PerturbationMethod
{
    public const int Steps = 16;

    public override string WireName => "integrated-gradcam";

    public override float[][] RawMaps(PerturbationContext context, bool eigenSmooth)
    {
        var input = context.Input;
        var path = Tensor.Create([Steps, .. input.Shape[1..]]);
        for (int m = 0; m < Steps; m++)
            System.Numerics.Tensors.TensorPrimitives.Multiply(input.Floats, (m + 1f) / Steps, path.Floats.AsSpan(m * input.Length, input.Length));
        string scoresName = context.Probe.ScoresOutput;
        var forward = context.Probe.Backend.Forward(path, new PassRequest([context.LayerName], Gradients: true));
        var scores = forward.Outputs[scoresName];
        int classes = scores.Shape[^1];
        var seed = Tensor.Zeros(context.Targets.Count * Steps, classes);
        for (int t = 0; t < context.Targets.Count; t++)
            for (int m = 0; m < Steps; m++)
                context.Targets[t].WriteSeed(scores.Floats.AsSpan(m * classes, classes), seed.Floats.AsSpan((t * Steps + m) * classes, classes));
        var grads = forward.GradientsOfRows(scoresName, seed, GradientMode.Standard, [context.LayerName])[context.LayerName];
        var activations = forward.Observed[context.LayerName];
        var layer = context.Layer;
        int size = layer.Activations.Length, rawSize = context.Grid?.RawSize ?? size;
        float[] Grid(Tensor t, int row) => context.Grid is { } g ? g.ToGrid(t.Floats.AsSpan(row * rawSize, rawSize)) : t.Floats.AsSpan(row * size, size).ToArray();
        return context.Targets.Select((_, t) =>
        {
            var sum = new float[size];
            for (int m = 0; m < Steps; m++)
            {
                var a = Grid(activations, m).AsSpan();
                var g = Grid(grads, t * Steps + m).AsSpan();
                for (int k = 0; k < layer.Channels; k++)
                {
                    float w = System.Numerics.Tensors.TensorPrimitives.Sum(g.Slice(k * layer.Positions, layer.Positions)) / layer.Positions / Steps;
                    System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(a.Slice(k * layer.Positions, layer.Positions), w, sum.AsSpan(k * layer.Positions, layer.Positions), sum.AsSpan(k * layer.Positions, layer.Positions));
                }
            }
            return Methods.CamMethod.Combine(sum, layer, eigenSmooth);
        }).ToArray();
    }
}
