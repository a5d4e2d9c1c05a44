namespace Explain.Cam.Perturbation;

/// <summary>
/// Ablation-CAM (Desai &amp; Ramaswamy, WACV 2020, eq. 3): w_k = (y^c − y^c_k) / y^c, where y^c_k is
/// the score with activation map k set to 0. Only the layers after the target layer are re-run,
/// in batches, from the forward pass already made. A token or NHWC layer is ablated in its grid and
/// written back in its own layout (ViT's class token is left as it was).
/// </summary>
public sealed class AblationCam : PerturbationMethod
{
    public override string WireName => "ablationcam";

    public override float[][] RawMaps(PerturbationContext context, bool eigenSmooth)
    {
        var layer = context.Layer;
        var raw = context.RawActivations ?? layer.Activations;
        int[] shape = context.Grid?.RawShape ?? [1, layer.Channels, layer.Height, layer.Width];
        var baseline = context.Probe.ScoresFromLayer(context.Input, context.LayerName, 1, shape, (_, row) => raw.CopyTo(row));
        var ablated = context.Probe.ScoresFromLayer(context.Input, context.LayerName, layer.Channels, shape, (k, row) =>
        {
            if (context.Grid is not { } grid)
            {
                layer.Activations.CopyTo(row);
                row.Slice(k * layer.Positions, layer.Positions).Clear();
                return;
            }
            var cut = layer.Activations.ToArray();
            cut.AsSpan(k * layer.Positions, layer.Positions).Clear();
            grid.FromGrid(cut, raw, row);
        });
        int classes = baseline.Length;
        var weights = context.Targets.Select(target =>
        {
            float y = target.Score(baseline);
            var w = new float[layer.Channels];
            for (int k = 0; k < w.Length; k++)
                w[k] = (y - target.Score(ablated.AsSpan(k * classes, classes))) / y;
            return w;
        }).ToArray();
        return Maps(context, weights, eigenSmooth);
    }
}
