using Explain.Cam.Attribution;

namespace Explain.Cam.Perturbation;

/// <summary>
/// SS-CAM, Smoothed Score-CAM (Wang et al. 2020, arXiv:2006.14255, eq. 7–8, as TorchCAM SSCAM
/// computes it): w^c_k = softmax_k((1/N) Σ_i y^c((M_k + δ_i) ⊙ x)), δ_i ~ N(0, σ²) added to the
/// normalized, upsampled mask M_k (<see cref="TorchCamMasks"/>) — one plane per channel, shared by
/// the input's channels; map = Σ_k w^c_k A^k. TorchCAM's defaults N = 35, σ = 2. The N × C rows
/// run in batches through the probe; only the Faster-Score-CAM channels take part when
/// <see cref="PerturbationContext.ChannelLimit"/> is set. Row (i, k)'s noise is its own SeededNoise
/// stream "sscam/i/k", so the draws do not depend on the batch order.
/// </summary>
public sealed class SsCam : PerturbationMethod
{
    public override string WireName => "sscam";

    public override float[][] RawMaps(PerturbationContext context, bool eigenSmooth)
    {
        var p = context.Parameters;
        int[] shape = context.Input.Shape;
        int channels = shape[1], height = shape[2], width = shape[3];
        int[] chosen = ScoreCam.Channels(context);
        var masks = chosen.Select(k => TorchCamMasks.Mask(context.Layer, k, height, width)).ToArray();
        var x = context.Input.Floats;
        var scores = context.Probe.Scores(p.SsCamSamples * chosen.Length, shape, (r, row) =>
        {
            int sample = r / chosen.Length, i = r % chosen.Length;
            var rng = new SeededNoise(context.Seed, $"sscam/{sample}/{chosen[i]}");
            var noisy = new float[masks[i].Length];
            for (int q = 0; q < noisy.Length; q++)
                noisy[q] = masks[i][q] + (float)(p.SsCamStd * rng.NextNormal());
            TorchCamMasks.Apply(x, noisy, 1f, channels, row);
        });
        return Maps(context, TorchCamMasks.Weights(context, chosen, p.SsCamSamples, scores), eigenSmooth);
    }
}
