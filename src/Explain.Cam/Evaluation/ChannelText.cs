using System.Globalization;
using Explain.Cam.Methods;

namespace Explain.Cam.Evaluation;

/// <summary>
/// Textual explanations from Grad-CAM's channel weights (Selvaraju et al., §7: the paper names the
/// neurons of highest α_k with Network Dissection's concepts). With M = Σ_k α_k A^k, channel k's
/// share is Σ over the pixels where M &gt; 0 of α_k A^k, divided by Σ of M there: the shares of all
/// channels add up to 100 % of what ReLU keeps. Channels are ranked by share rather than by α_k
/// alone: a channel with a large weight that is silent on this image contributes nothing to its map.
/// </summary>
internal static class ChannelText
{
    public static TextExplanation Describe(string target, int? cls, string label, string layerName, LayerMaps layer, int top, IReadOnlyList<string>? names)
    {
        var weights = new GradCam().ChannelWeights(layer);
        var map = CamMethod.Combine(layer.Weighted(weights), layer, eigenSmooth: false);
        var positive = map.Select(v => v > 0).ToArray();
        double total = map.Where(v => v > 0).Sum(v => (double)v);
        var shares = new ChannelShare[layer.Channels];
        for (int k = 0; k < layer.Channels; k++)
        {
            var a = layer.A(k);
            double sum = 0;
            for (int p = 0; p < a.Length; p++)
                if (positive[p]) sum += a[p];
            string? name = names is not null && k < names.Count && names[k].Length > 0 ? names[k] : null;
            shares[k] = new ChannelShare(k, weights[k], total > 0 ? (float)(weights[k] * sum / total) : 0f, name);
        }
        var best = shares.Where(s => s.Share > 0).OrderByDescending(s => s.Share).ThenBy(s => s.Channel).Take(top).ToList();
        string sentence = best.Count == 0
            ? $"{label}: no positive Grad-CAM evidence at {layerName}"
            : $"{label}: " + string.Join(", ", best.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Share * 100:F0} % from channel {s.Channel}") + (s.Name is null ? "" : $" ({s.Name})")));
        return new TextExplanation(target, cls, label, layerName, best, sentence);
    }
}
