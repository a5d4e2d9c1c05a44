using Explain.Cam.Pipeline;

namespace Explain.Cam.Attribution;

/// <summary>
/// SmoothGrad (Smilkov et al. 2017, eq. 3): M̂(x) = (1/n) Σ_i M(x + N(0, σ²)), M the saliency
/// |∂y^c/∂x| (Captum: NoiseTunnel over Saliency(abs=True)), σ = noise · (max x − min x) (§3);
/// smoothgrad-squared averages M², vargrad takes Var(M) = mean(M²) − mean(M)². The map is the channel
/// maximum, as Saliency's. The three variants read ONE set of n noisy gradients per request (same
/// samples, noise and seed), made in batched passes; the noise comes from the explanation's seed.
/// </summary>
public sealed class SmoothGrad(SmoothGradVariant variant) : AttributionMethod
{
    public SmoothGradVariant Variant { get; } = variant;

    public override string WireName => Variant switch
    {
        SmoothGradVariant.Squared => "smoothgrad-squared",
        SmoothGradVariant.Variance => "vargrad",
        _ => "smoothgrad",
    };

    public override MethodNeeds Needs => MethodNeeds.ExtraPasses;

    public override IReadOnlyList<RawMap> RawMaps(SharedPasses passes)
    {
        var p = passes.Options.Attribution;
        int n = p.SmoothGradSamples, channels = passes.Input.Shape[1];
        var moments = passes.Shared($"smoothgrad/{n}/{p.SmoothGradNoise:R}/{passes.Options.Seed}", () => Moments(passes, n, p.SmoothGradNoise));
        return moments.Select(m =>
        {
            var values = new float[m.Sum.Length];
            for (int j = 0; j < values.Length; j++)
            {
                double mean = m.Sum[j] / n, square = m.SumOfSquares[j] / n;
                values[j] = (float)(Variant switch
                {
                    SmoothGradVariant.Squared => square,
                    SmoothGradVariant.Variance => Math.Max(square - mean * mean, 0),
                    _ => mean,
                });
            }
            return new RawMap(InputMaps.ChannelMaxAbs(values, channels), passes.Input.Shape[2..]);
        }).ToList();
    }

    private sealed record Moment(double[] Sum, double[] SumOfSquares);

    private static Moment[] Moments(SharedPasses passes, int n, float noise)
    {
        var x = passes.Input.Floats;
        double sigma = noise * (x.Max() - (double)x.Min());
        var rng = new SeededNoise(passes.Options.Seed, "smoothgrad");
        var samples = new float[n][];
        for (int i = 0; i < n; i++)
        {
            samples[i] = new float[x.Length];
            for (int j = 0; j < x.Length; j++)
                samples[i][j] = (float)(x[j] + sigma * rng.NextNormal());
        }
        var moments = passes.Targets.Select(_ => new Moment(new double[x.Length], new double[x.Length])).ToArray();
        GradientSamples.Run(passes, n, (i, row) => samples[i].CopyTo(row), (t, _, g) =>
        {
            var m = moments[t];
            for (int j = 0; j < g.Length; j++)
            {
                double a = Math.Abs(g[j]);
                m.Sum[j] += a;
                m.SumOfSquares[j] += a * a;
            }
        });
        return moments;
    }
}
