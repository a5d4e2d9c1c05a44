namespace Explain.Cam.Methods;

/// <summary>
/// Grad-CAM++ (Chattopadhyay et al., WACV 2018), closed form of eq. 19 with an exponential
/// output: α^kc_ij = g² / (2g² + Σ_ab A^k_ab · g³), w_k = Σ_ij α^kc_ij · ReLU(g_ij).
/// </summary>
/// <remarks>NOTE: α is 0 where g = 0 and the denominator carries ε = 1e-6, as pytorch-grad-cam 1.5 does.</remarks>
public sealed class GradCamPlusPlus : ChannelWeightMethod
{
    public override string WireName => "gradcam++";

    public override float[] ChannelWeights(LayerMaps layer) => PerChannel(layer, k =>
    {
        var a = layer.A(k);
        var g = layer.G(k);
        double sumA = 0;
        foreach (float v in a) sumA += v;
        double w = 0;
        for (int p = 0; p < g.Length; p++)
        {
            double g2 = (double)g[p] * g[p];
            if (g[p] == 0f) continue;
            double alpha = g2 / (2 * g2 + sumA * g2 * g[p] + 1e-6);
            w += alpha * Math.Max(g[p], 0f);
        }
        return (float)w;
    });
}
