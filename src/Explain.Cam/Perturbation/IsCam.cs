namespace Explain.Cam.Perturbation;

/// <summary>
/// IS-CAM, Integrated Score-CAM (Naidu et al. 2020, arXiv:2010.03023, eq. 4–6, as TorchCAM ISCAM
/// computes it): the masked input M_k ⊙ x (<see cref="TorchCamMasks"/>) scaled along the path by the
/// accumulated coefficients c_i = Σ_{j=1..i} j/N, i = 1..N:
/// w^c_k = softmax_k((1/N) Σ_i y^c(c_i · M_k ⊙ x)); map = Σ_k w^c_k A^k. TorchCAM's default N = 10.
/// NOTE c_i grows past 1 (c_N = (N + 1)/2): TorchCAM accumulates its coefficient as the paper's
/// M_i = Σ_{j&lt;i} (j/N) M_k sums masks; that is what is followed. Deterministic; N × C rows run in
/// batches through the probe, on the Faster-Score-CAM channels when a channel limit is set.
/// </summary>
public sealed class IsCam : PerturbationMethod
{
    public override string WireName => "iscam";

    public override float[][] RawMaps(PerturbationContext context, bool eigenSmooth)
    {
        int n = context.Parameters.IsCamSamples;
        int[] shape = context.Input.Shape;
        int[] chosen = ScoreCam.Channels(context);
        var masks = chosen.Select(k => TorchCamMasks.Mask(context.Layer, k, shape[2], shape[3])).ToArray();
        var coefficients = new float[n];
        double c = 0;
        for (int i = 0; i < n; i++) coefficients[i] = (float)(c += (i + 1.0) / n);
        var x = context.Input.Floats;
        var scores = context.Probe.Scores(n * chosen.Length, shape, (r, row) =>
            TorchCamMasks.Apply(x, masks[r % chosen.Length], coefficients[r / chosen.Length], shape[1], row));
        return Maps(context, TorchCamMasks.Weights(context, chosen, n, scores), eigenSmooth);
    }
}
