using Explain.Cam.Attribution;
using Explain.Cam.Backends;
using Explain.Engine.Tensors;

namespace Explain.Cam.Perturbation;

/// <summary>
/// Smooth Grad-CAM++ (Omeiza et al. 2019, arXiv:1908.01224, eq. 10–12, with TorchCAM
/// SmoothGradCAMpp's defaults and numerator): over n noisy inputs x + N(0, σ²) (σ in input units),
/// with D^p the p-th derivative of y^c at A averaged over the samples (ReLU networks: D² = mean g²,
/// D³ = mean g³, Grad-CAM++'s exponential-output identities),
/// α^k_ij = D²_ij / (2 D²_ij + Σ_ab A^k_ab · D³_ij + 1e-8), w_k = Σ_ij α^k_ij · ReLU(mean g^k_ij),
/// map = Σ_k w_k A^k with the clean input's activations A. TorchCAM's defaults n = 4, σ = 0.3.
/// The samples run in batches of 16: one forward and one backward pass with K · B seeds per batch.
/// Sample i's noise is its own SeededNoise stream "smoothgradcam++/i".
/// </summary>
/// <remarks>docs/compat.md: where TorchCAM's code departs from this (Σ_ab A·D³ summed over positions,
/// the last sample's gradient and activations in w and the map).</remarks>
public sealed class SmoothGradCamPlusPlus : PerturbationMethod
{
    public const int Chunk = 16;
    public const float Epsilon = 1e-8f;

    public override string WireName => "smoothgradcam++";

    public override float[][] RawMaps(PerturbationContext context, bool eigenSmooth)
    {
        var p = context.Parameters;
        int n = p.SmoothGradCamPlusPlusSamples, targets = context.Targets.Count;
        var layer = context.Layer;
        int size = layer.Activations.Length;
        var moments = Enumerable.Range(0, targets).Select(_ => new double[3, size]).ToArray();
        var x = context.Input.Floats;
        for (int start = 0; start < n; start += Chunk)
        {
            context.Probe.Backend.Cancellation.ThrowIfCancellationRequested();
            int take = Math.Min(Chunk, n - start);
            var batch = Tensor.Zeros([take, .. context.Input.Shape[1..]]);
            for (int r = 0; r < take; r++)
            {
                var rng = new SeededNoise(context.Seed, $"smoothgradcam++/{start + r}");
                var row = batch.Floats.AsSpan(r * x.Length, x.Length);
                for (int j = 0; j < x.Length; j++) row[j] = (float)(x[j] + p.SmoothGradCamPlusPlusStd * rng.NextNormal());
            }
            Accumulate(context, batch, take, moments);
        }
        return moments.Select(m => Combine(m, layer, n, eigenSmooth)).ToArray();
    }

    private static void Accumulate(PerturbationContext context, Tensor batch, int take, double[][,] moments)
    {
        string scoresName = context.Probe.ScoresOutput;
        var forward = context.Probe.Backend.Forward(batch, new PassRequest([context.LayerName], Gradients: true));
        var scores = forward.Outputs[scoresName];
        int classes = scores.Shape[^1], targets = context.Targets.Count;
        var seed = Tensor.Zeros(targets * take, classes);
        for (int t = 0; t < targets; t++)
            for (int r = 0; r < take; r++)
                context.Targets[t].WriteSeed(scores.Floats.AsSpan(r * classes, classes), seed.Floats.AsSpan((t * take + r) * classes, classes));
        var grads = forward.GradientsOfRows(scoresName, seed, GradientMode.Standard, [context.LayerName])[context.LayerName];
        int size = context.Layer.Activations.Length, rawSize = context.Grid?.RawSize ?? size;
        for (int t = 0; t < targets; t++)
            for (int r = 0; r < take; r++)
            {
                var raw = grads.Floats.AsSpan((t * take + r) * rawSize, rawSize);
                var g = context.Grid is { } grid ? grid.ToGrid(raw) : raw.ToArray();
                var m = moments[t];
                for (int j = 0; j < size; j++)
                {
                    double v = g[j];
                    m[0, j] += v;
                    m[1, j] += v * v;
                    m[2, j] += v * v * v;
                }
            }
    }

    private static float[] Combine(double[,] m, Methods.LayerMaps layer, int n, bool eigenSmooth)
    {
        var weights = new float[layer.Channels];
        for (int k = 0; k < layer.Channels; k++)
        {
            double sumA = 0, w = 0;
            foreach (float a in layer.A(k)) sumA += a;
            for (int q = 0; q < layer.Positions; q++)
            {
                int j = k * layer.Positions + q;
                double g1 = m[0, j] / n, g2 = m[1, j] / n, g3 = m[2, j] / n;
                double alpha = g2 / (2 * g2 + sumA * g3 + Epsilon);
                w += alpha * Math.Max(g1, 0);
            }
            weights[k] = (float)w;
        }
        return Methods.CamMethod.Combine(layer.Weighted(weights), layer, eigenSmooth);
    }
}
