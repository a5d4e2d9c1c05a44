using Explain.Cam.Pipeline;

namespace Explain.Cam.Perturbation;

/// <summary>
/// Occlusion (Zeiler &amp; Fergus, ECCV 2014, §4.2, as Captum's Occlusion computes it): a w × w window
/// over all input channels, moved by stride s, is set to the baseline b; each pixel's attribution
/// is the score drop y^c(x) − y^c(x with window W set to b) averaged over the windows covering it.
/// Window origins are 0, s, 2s, … for ⌈(H − w)/s⌉ + 1 positions per axis, the last one cut off at the
/// border (Captum's shift_counts and padding), so every pixel is covered. All windows run in
/// batches through the probe; the raw map is [H, W] (the attribution is the same in every channel).
/// </summary>
public sealed class Occlusion : AttributionMethod
{
    public const string Name = "occlusion";

    public override string WireName => Name;

    public override MethodNeeds Needs => MethodNeeds.Perturbations;

    public override IReadOnlyList<RawMap> RawMaps(SharedPasses passes)
    {
        var p = passes.Options.Perturbation;
        int[] shape = passes.Input.Shape;
        int channels = shape[1], height = shape[2], width = shape[3], plane = height * width;
        int rows = p.OcclusionPositions(height), cols = p.OcclusionPositions(width), w = p.OcclusionWindow;
        var x = passes.Input.Floats;
        (int Y0, int Y1, int X0, int X1) Window(int i) =>
            ((i / cols) * p.OcclusionStride, Math.Min(height, (i / cols) * p.OcclusionStride + w), (i % cols) * p.OcclusionStride, Math.Min(width, (i % cols) * p.OcclusionStride + w));
        var scores = passes.Probe.Scores(rows * cols, shape, (i, row) =>
        {
            x.CopyTo(row);
            var (y0, y1, x0, x1) = Window(i);
            for (int c = 0; c < channels; c++)
                for (int y = y0; y < y1; y++)
                    row.Slice(c * plane + y * width + x0, x1 - x0).Fill(p.OcclusionBaseline);
        });
        var counts = new float[plane];
        for (int i = 0; i < rows * cols; i++)
            Add(counts, Window(i), 1f, width);
        int classes = scores.Length / (rows * cols);
        return passes.Targets.Select(target =>
        {
            float clean = target.Score(passes.Scores);
            var map = new float[plane];
            for (int i = 0; i < rows * cols; i++)
                Add(map, Window(i), clean - target.Score(scores.AsSpan(i * classes, classes)), width);
            for (int q = 0; q < plane; q++) map[q] /= counts[q];
            return new RawMap(map, [height, width]);
        }).ToList();
    }

    private static void Add(float[] map, (int Y0, int Y1, int X0, int X1) window, float value, int width)
    {
        for (int y = window.Y0; y < window.Y1; y++)
            for (int x = window.X0; x < window.X1; x++)
                map[y * width + x] += value;
    }
}
