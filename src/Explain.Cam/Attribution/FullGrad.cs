using Explain.Cam.Pipeline;

namespace Explain.Cam.Attribution;

/// <summary>
/// FullGrad (Srinivas &amp; Fleuret, NeurIPS 2019, eq. 5 / §4 "FullGrad saliency"):
/// S(x) = ψ(∇ₓy ⊙ x) + Σ_l Σ_c ψ(∇_b y ⊙ b)_c, with ψ = |·|, rescaled to [0, 1] and upsampled to the
/// input. As pytorch-grad-cam's FullGrad: ψ rescales every channel on its own (min-max, ε = 1e-7),
/// the input term per input channel; the bias points are every Conv with a bias and every
/// BatchNormalization, whose bias is β − μγ/√(σ² + ε) read from the imported graph
/// (<see cref="BiasPoint"/>), so BatchNorm folding in a backend cannot hide it; ∇_b y ⊙ b at each
/// position is the gradient at the node's output times its channel's bias. All gradients come from
/// the ONE shared backward pass. Resizing is linear, so each layer's channel sum is resized once.
/// </summary>
public sealed class FullGrad : AttributionMethod
{
    public override string WireName => "fullgrad";

    public override MethodNeeds Needs => MethodNeeds.InputGradients | MethodNeeds.BiasGradients;

    public override IReadOnlyList<RawMap> RawMaps(SharedPasses passes)
    {
        int[] shape = passes.Input.Shape;
        int height = shape[2], width = shape[3];
        var x = passes.Input.Floats;
        var maps = InputMaps.PerTarget(passes.InputGradients).Select(g =>
        {
            for (int j = 0; j < g.Length; j++)
                g[j] = MathF.Abs(g[j] * x[j]);
            return ScaledChannelSum(g, shape[1], height, width);
        }).ToArray();
        foreach (var point in passes.BiasPoints)
        {
            var gradient = passes.Gradient(point.Tensor);
            if (gradient.Rank != 4)
                continue;   // FullGrad's spatial terms: 4-D bias points only, as pytorch-grad-cam (Conv2d, BatchNorm2d)
            int channels = gradient.Shape[1], h = gradient.Shape[2], w = gradient.Shape[3], size = channels * h * w;
            for (int t = 0; t < maps.Length; t++)
            {
                var term = gradient.Floats.AsSpan(t * size, size).ToArray();
                for (int c = 0; c < channels; c++)
                {
                    var plane = term.AsSpan(c * h * w, h * w);
                    System.Numerics.Tensors.TensorPrimitives.Multiply(plane, point.Bias[c], plane);
                    System.Numerics.Tensors.TensorPrimitives.Abs(plane, plane);
                }
                var layer = CamScaling.Resize(ScaledChannelSum(term, channels, h, w), h, w, height, width);
                System.Numerics.Tensors.TensorPrimitives.Add(maps[t], layer, maps[t]);
            }
        }
        return maps.Select(m => new RawMap(m, [height, width])).ToList();
    }

    /// <summary>Σ_c minmax(plane_c) at the planes' own resolution.</summary>
    private static float[] ScaledChannelSum(float[] planes, int channels, int height, int width)
    {
        int plane = height * width;
        var sum = new float[plane];
        for (int c = 0; c < channels; c++)
            System.Numerics.Tensors.TensorPrimitives.Add(sum, CamScaling.MinMax(planes.AsSpan(c * plane, plane)), sum);
        return sum;
    }
}
