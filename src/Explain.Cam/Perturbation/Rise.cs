using Explain.Cam.Attribution;
using Explain.Cam.Pipeline;
using Explain.Imaging.Preprocessing;

namespace Explain.Cam.Perturbation;

/// <summary>
/// RISE (Petsiuk, Das &amp; Saenko, BMVC 2018, eq. 6, as the authors' code eclique/RISE explanations.py
/// generate_masks makes its masks): N binary s × s grids, each cell kept with probability p, are
/// upsampled bilinearly to (s + 1)·⌈H/s⌉ × (s + 1)·⌈W/s⌉ and cropped to H × W at a random shift in
/// [0, ⌈H/s⌉) × [0, ⌈W/s⌉); saliency S^c = Σ_i P_c(x ⊙ M_i) M_i / (N · p), P_c the softmax
/// probability of the target (the authors' model ends in a softmax). Xplique's defaults
/// N = 4000, s = 7, p = 0.5. Mask i is drawn from its own SeededNoise stream "rise/i" (s² uniforms
/// for the cells, row-major, then the two shifts), so the reference script reproduces it exactly.
/// </summary>
/// <remarks>NOTE the bilinear upsampling has half-pixel centres and clamps at the border (torch
/// F.interpolate, align_corners = false); the authors' skimage resize(mode = "reflect") mirrors
/// instead, which changes the outer half cell of the upsampled grid only.</remarks>
public sealed class Rise : AttributionMethod
{
    public override string WireName => "rise";

    public override MethodNeeds Needs => MethodNeeds.Perturbations;

    public override IReadOnlyList<RawMap> RawMaps(SharedPasses passes)
    {
        var p = passes.Options.Perturbation;
        int[] shape = passes.Input.Shape;
        int channels = shape[1], height = shape[2], width = shape[3], plane = height * width, n = p.RiseMasks;
        var x = passes.Input.Floats;
        var scores = passes.Probe.Scores(n, shape, (i, row) =>
        {
            var mask = Mask(passes.Options.Seed, i, p.RiseCells, p.RiseProbability, height, width);
            TorchCamMasks.Apply(x, mask, 1f, channels, row);
        });
        int classes = scores.Length / n;
        var maps = passes.Targets.Select(_ => new double[plane]).ToArray();
        var probabilities = new float[classes];
        for (int i = 0; i < n; i++)
        {
            var mask = Mask(passes.Options.Seed, i, p.RiseCells, p.RiseProbability, height, width);
            System.Numerics.Tensors.TensorPrimitives.SoftMax(scores.AsSpan(i * classes, classes), probabilities);
            for (int t = 0; t < maps.Length; t++)
            {
                double score = passes.Targets[t].Score(probabilities);
                var map = maps[t];
                for (int q = 0; q < plane; q++) map[q] += score * mask[q];
            }
        }
        return maps.Select(m => new RawMap(m.Select(v => (float)(v / (n * (double)p.RiseProbability))).ToArray(), [height, width])).ToList();
    }

    /// <summary>Mask <paramref name="index"/> at input resolution [H·W].</summary>
    internal static float[] Mask(ulong seed, int index, int cells, float probability, int height, int width)
    {
        var rng = new SeededNoise(seed, $"rise/{index}");
        var grid = new float[cells * cells];
        for (int q = 0; q < grid.Length; q++) grid[q] = rng.NextUniform() < probability ? 1f : 0f;
        int cellH = (height + cells - 1) / cells, cellW = (width + cells - 1) / cells;
        int dy = (int)(rng.NextUniform() * cellH), dx = (int)(rng.NextUniform() * cellW);
        int upH = (cells + 1) * cellH, upW = (cells + 1) * cellW;
        var up = MapResize.Bilinear(grid, cells, cells, upH, upW);
        var mask = new float[height * width];
        for (int y = 0; y < height; y++)
            up.AsSpan((y + dy) * upW + dx, width).CopyTo(mask.AsSpan(y * width, width));
        return mask;
    }
}
