using Explain.Cam.Perturbation;
using Explain.Cam.Pipeline;

namespace Explain.Cam.Attribution;

/// <summary>
/// Integrated Gradients (Sundararajan, Taly &amp; Yan, ICML 2017, eq. 1 and its Riemann form eq. 3):
/// IG_i = (x_i − x′_i) ∫₀¹ ∂y^c/∂x_i (x′ + α(x − x′)) dα, the integral by Gauss–Legendre quadrature
/// with m nodes (Captum's default method and m = 50). The map is the channel sum of IG (signed,
/// ReLU'd by the explainer like every map). All nodes × targets run in batched passes.
/// </summary>
public sealed class IntegratedGradients : AttributionMethod
{
    public override string WireName => "integrated-gradients";

    public override MethodNeeds Needs => MethodNeeds.ExtraPasses;

    public override IReadOnlyList<RawMap> RawMaps(SharedPasses passes)
    {
        var p = passes.Options.Attribution;
        int steps = p.IntegratedGradientsSteps;
        var x = passes.Input.Floats;
        var baseline = Baseline(passes, p.IntegratedGradientsBaseline);
        var (alphas, weights) = GaussLegendre.OnUnitInterval(steps);
        var sums = passes.Targets.Select(_ => new double[x.Length]).ToArray();
        GradientSamples.Run(passes, steps, (i, row) =>
        {
            for (int j = 0; j < row.Length; j++)
                row[j] = (float)(baseline[j] + alphas[i] * (x[j] - baseline[j]));
        }, (t, i, g) =>
        {
            var sum = sums[t];
            for (int j = 0; j < sum.Length; j++)
                sum[j] += weights[i] * g[j];
        });
        int channels = passes.Input.Shape[1];
        return sums.Select(sum =>
        {
            var ig = new float[x.Length];
            for (int j = 0; j < ig.Length; j++)
                ig[j] = (float)((x[j] - baseline[j]) * sum[j]);
            return new RawMap(InputMaps.ChannelSum(ig, channels), passes.Input.Shape[2..]);
        }).ToList();
    }

    private static float[] Baseline(SharedPasses passes, IntegratedGradientsBaseline kind)
    {
        var x = passes.Input.Floats;
        int[] shape = passes.Input.Shape;
        switch (kind)
        {
            case IntegratedGradientsBaseline.Blur:
                return GaussianBlur.Apply(x, shape[1], shape[2], shape[3]);
            case IntegratedGradientsBaseline.Uniform:
                var noise = new SeededNoise(passes.Options.Seed, "integrated-gradients/baseline");
                float low = x.Min(), high = x.Max();
                return x.Select(_ => noise.Uniform(low, high)).ToArray();
            default:
                return new float[x.Length];
        }
    }
}
