using System.Globalization;
using Explain.Cam.Attribution;
using Explain.Cam.Methods;

namespace Explain.Cam.Evaluation;

/// <summary>
/// The Grad-CAM paper's textual explanation (§7) over Deep Feature Factorization concepts instead
/// of channels, each concept named by its top classes. With A ≈ W H (the factorization, C × k and
/// k × h·w) the Grad-CAM map Σ_k α_k A^k becomes M̃ = Σ_j β_j H_j, β_j = Σ_k α_k W_kj; concept j's
/// share is Σ over the pixels where M̃ &gt; 0 of β_j H_j, divided by Σ of M̃ there, so the shares
/// add up to 100 % of what ReLU keeps of the factorized map. (In pytorch-grad-cam mode the
/// per-channel offsets add Σ_k α_k offset_k to every pixel alike; they are no concept's and are left out.)
/// </summary>
internal static class ConceptText
{
    public static TextExplanation Describe(string target, int? cls, string label, string layerName, LayerMaps layer, DffResult dff, IReadOnlyList<string?> names, int top)
    {
        var alpha = new GradCam().ChannelWeights(layer);
        int k = dff.K, n = layer.Positions;
        var beta = new double[k];
        for (int j = 0; j < k; j++)
            for (int ch = 0; ch < layer.Channels; ch++)
                beta[j] += alpha[ch] * dff.W[ch * k + j];
        var map = new double[n];
        for (int j = 0; j < k; j++)
            for (int p = 0; p < n; p++)
                map[p] += beta[j] * dff.Concepts[j].Heatmap[p];
        double total = map.Where(v => v > 0).Sum();
        var shares = dff.Concepts.Select((concept, j) =>
        {
            double mass = 0;
            for (int p = 0; p < n; p++)
                if (map[p] > 0) mass += concept.Heatmap[p];
            return new ChannelShare(j, (float)beta[j], total > 0 ? (float)(beta[j] * mass / total) : 0f, names[j]);
        }).ToList();
        var best = shares.Where(s => s.Share > 0).OrderByDescending(s => s.Share).ThenBy(s => s.Channel).Take(top).ToList();
        string sentence = best.Count == 0
            ? $"{label}: no positive Grad-CAM evidence over the DFF concepts at {layerName}"
            : $"{label}: " + string.Join(", ", best.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Share * 100:F0} % from concept {s.Channel}") + (s.Name is null ? "" : $" ({s.Name})")));
        return new TextExplanation(target, cls, label, layerName, best, sentence) { Concepts = true };
    }
}
