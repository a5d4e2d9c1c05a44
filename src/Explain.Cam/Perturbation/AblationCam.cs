namespace Explain.Cam.Perturbation;

/// <summary>
/// Ablation-CAM (Desai &amp; Ramaswamy, WACV 2020, eq. 3): w_k = (y^c − y^c_k) / y^c, where y^c_k is
/// the score with activation map k set to 0. Only the layers after the target layer are re-run,
/// in batches, from the forward pass already made. A token or NHWC layer is ablated in its grid and
/// written back in its own layout (ViT's class token is left as it was).
/// </summary>
/// <remarks>
/// NOTE compat pytorch-grad-cam (1.5.5, ablation_layer.py AblationLayer): where min(A) != 0 the
/// library writes min(A) − 1e7 instead of 0, and re-reads the minimum of its whole batch before each
/// row, so row i of a batch of <see cref="LibraryBatch"/> gets min(A) − (i + 1)·1e7 (float32, one
/// subtraction per row as the library does it).
/// </remarks>
public sealed class AblationCam : PerturbationMethod
{
    public override string WireName => "ablationcam";

    public override float[][] RawMaps(PerturbationContext context, bool eigenSmooth)
    {
        var layer = context.Layer;
        var raw = context.RawActivations ?? layer.Activations;
        int[] shape = context.Grid?.RawShape ?? [1, layer.Channels, layer.Height, layer.Width];
        float minimum = System.Numerics.Tensors.TensorPrimitives.Min(layer.Activations);
        var baseline = context.Probe.ScoresFromLayer(context.Input, context.LayerName, 1, shape, (_, row) => raw.CopyTo(row));
        var ablated = context.Probe.ScoresFromLayer(context.Input, context.LayerName, layer.Channels, shape, (k, row) =>
        {
            float value = AblationValue(k, minimum, context.Compat);
            if (context.Grid is not { } grid)
            {
                layer.Activations.CopyTo(row);
                row.Slice(k * layer.Positions, layer.Positions).Fill(value);
                return;
            }
            var cut = layer.Activations.ToArray();
            cut.AsSpan(k * layer.Positions, layer.Positions).Fill(value);
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

    /// <summary>pytorch-grad-cam AblationCAM's default batch_size: its ablation value counts rows within one batch.</summary>
    public const int LibraryBatch = 32;

    /// <summary>The value channel <paramref name="k"/> is ablated with: 0 (the paper), or pytorch-grad-cam's.</summary>
    public static float AblationValue(int k, float minimum, CompatMode compat)
    {
        if (compat != CompatMode.PytorchGradCam || minimum == 0f)
            return 0f;
        float value = minimum;
        for (int row = 0; row <= k % LibraryBatch; row++)
            value -= 1e7f;
        return value;
    }
}
