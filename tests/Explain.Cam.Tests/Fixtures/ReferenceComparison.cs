using Explain.Cam.Tests.Support;

namespace Explain.Cam.Tests.Fixtures;

/// <summary>
/// Compares one <see cref="CamMap"/> with the PyTorch reference files of its method and class and
/// returns what it measured; <see cref="Problems"/> lists every check that failed.
/// </summary>
/// <remarks>
/// Tolerances. Raw maps: relative L2 &lt; 1e-3 (issue 3) for every method but Ablation-CAM. Normalized
/// maps: the largest absolute difference must stay under <c>NormalizedBase + PerRange / r</c>.
/// Normalization subtracts the minimum and divides by the range, so an error δ·max|raw| in the raw
/// map becomes about 2δ/r in the normalized map, r = range / max|raw| (cam_meta.json's
/// relative_range; where ReLU cuts the range further — a map with a few small positive entries — the
/// range of ReLU(raw) is used). The engine's raw maps agree with the float64 references to
/// δ ≲ 1e-6 (activations and gradients are float32-exact, see cam_meta.json "checks"; the channel
/// sums add ~√C·6e-8), so PerRange = 2e-5 leaves a 10× margin; NormalizedBase = 1e-5 covers float32
/// rounding in the bilinear resize and the two min-max steps (~1e-7 each).
/// Ablation-CAM's weights (y − y_k)/y subtract nearly equal logits: PyTorch itself in float32 is
/// 8.1e-5 (c767) and 5.8e-4 (c241) from the float64 reference on mobilenet_v3_small, so its raw
/// tolerance is 5e-3 and PerRange 2e-3 (the same 10× margin over δ ≈ 1e-4).
/// </remarks>
public sealed class ReferenceComparison
{
    public const double NormalizedBase = 1e-5;

    /// <summary>PerRange for the gradient and Score-CAM-family methods (the remarks derive it).</summary>
    public const double PerRange = 2e-5;

    private readonly double _rawTolerance;
    private readonly double _perRange;

    private ReferenceComparison(string method)
    {
        (_rawTolerance, _perRange) = method == "ablationcam" ? (5e-3, 2e-3) : (1e-3, PerRange);
    }

    private readonly List<string> _problems = [];

    public double RawError { get; private set; }

    public double NormalizedError { get; private set; }

    public double NormalizedTolerance { get; private set; }

    public IReadOnlyList<string> Problems => _problems;

    /// <summary>
    /// A heat map: Raw [h, w] against &lt;stem&gt;.raw.npy, Map [H, W] against &lt;stem&gt;.npy; the stem
    /// defaults to &lt;method&gt;-c&lt;k&gt; (variants such as eigen-smooth name theirs).
    /// </summary>
    public static ReferenceComparison HeatMap(CamFixture fixture, CamMap map, bool signFree, string? referenceStem = null)
    {
        var result = new ReferenceComparison(map.Method);
        string stem = referenceStem ?? $"{map.Method}-c{map.Class}";
        var raw = fixture.Reference(stem + ".raw.npy");
        var normalized = fixture.Reference(stem + ".npy");
        result.ExpectShape("raw", map.RawShape, raw.Shape);
        result.ExpectShape("map", map.MapShape, normalized.Shape);
        if (result._problems.Count > 0) return result;

        var ours = map.Raw;
        bool flipped = false;
        result.RawError = MapError.RelativeL2(ours, raw.Floats);
        if (signFree)
        {
            // The singular vector's sign is free: compare with whichever sign matches, and the normalized
            // map with the reference's normalization of that sign (.neg.npy = normalize(−raw)).
            double negated = MapError.RelativeL2(MapError.Negated(ours), raw.Floats);
            flipped = negated < result.RawError;
            result.RawError = Math.Min(result.RawError, negated);
            if (flipped) normalized = fixture.Reference(stem + ".neg.npy");
        }
        if (!(result.RawError < result._rawTolerance))
            result._problems.Add($"raw relative L2 {result.RawError:G3} ≥ {result._rawTolerance:G3}");

        if (!MapError.AllFinite(map.Map))
            result._problems.Add("normalized map has NaN or infinity");
        else if (fixture.AllZeroMaps.Contains(stem + ".npy"))
        {
            // An all-negative raw map: ReLU leaves nothing, and min-max must not divide 0 by 0.
            result.NormalizedError = map.Map.Max(Math.Abs);
            if (map.Map.Any(v => v != 0f))
                result._problems.Add($"the reference map is all zero, ours has max {map.Map.Max():G3}");
        }
        else
        {
            double range = EffectiveRange(fixture, stem, raw.Floats, flipped);
            result.NormalizedTolerance = NormalizedBase + result._perRange / range;
            result.NormalizedError = MapError.MaxAbs(map.Map, normalized.Floats);
            if (!(result.NormalizedError < result.NormalizedTolerance))
                result._problems.Add($"normalized max |Δ| {result.NormalizedError:G3} ≥ {result.NormalizedTolerance:G3} (range {range:G3})");
            if (map.Map.Min() < 0f || map.Map.Max() > 1f)
                result._problems.Add($"normalized map outside [0, 1]: {map.Map.Min()}..{map.Map.Max()}");
        }
        return result;
    }

    /// <summary>Guided backpropagation: Raw [3, H, W] is the input gradient itself.</summary>
    public static ReferenceComparison GuidedBackprop(CamFixture fixture, CamMap map) =>
        Guided(map, fixture.Reference($"guided-backprop-c{map.Class}.raw.npy"));

    /// <summary>Guided Grad-CAM: Raw [3, H, W] = guided gradient ⊙ normalized Grad-CAM, what the fixture's guided-gradcam-c&lt;k&gt;.npy stores.</summary>
    public static ReferenceComparison GuidedGradCam(CamFixture fixture, CamMap map) =>
        Guided(map, fixture.Reference($"guided-gradcam-c{map.Class}.npy"));

    private static ReferenceComparison Guided(CamMap map, Engine.Tensors.Tensor reference)
    {
        var result = new ReferenceComparison(map.Method);
        result.ExpectShape("raw", map.RawShape, reference.Shape);
        result.ExpectShape("map", map.MapShape, reference.Shape);
        if (result._problems.Count > 0) return result;
        result.RawError = MapError.RelativeL2(map.Raw, reference.Floats);
        if (!(result.RawError < result._rawTolerance))
            result._problems.Add($"raw relative L2 {result.RawError:G3} ≥ {result._rawTolerance:G3}");
        // The picture (deprocess: standardize, ×0.1, +0.5, clip) has no reference; it must be a picture.
        if (!MapError.AllFinite(map.Map) || map.Map.Min() < 0f || map.Map.Max() > 1f)
            result._problems.Add($"guided picture outside [0, 1] or not finite: {map.Map.Min()}..{map.Map.Max()}");
        return result;
    }

    private static double EffectiveRange(CamFixture fixture, string stem, float[] raw, bool flipped)
    {
        double magnitude = raw.Max(v => Math.Abs((double)v));
        double positive = flipped ? -raw.Min() : raw.Max();
        double reluRange = Math.Max(positive, 0) - Math.Max(flipped ? -raw.Max() : raw.Min(), 0);
        double range = Math.Min(fixture.RelativeRange(stem + ".raw.npy"), reluRange / magnitude);
        return Math.Max(range, 1e-12);
    }

    private void ExpectShape(string what, int[] actual, int[] expected)
    {
        if (!actual.SequenceEqual(expected))
            _problems.Add($"{what} shape [{string.Join(", ", actual)}], reference [{string.Join(", ", expected)}]");
    }
}
