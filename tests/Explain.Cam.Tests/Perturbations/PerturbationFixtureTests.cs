using System.Collections.Concurrent;
using Explain.Cam.Backends;
using Explain.Cam.Targets;
using Explain.Cam.Tests.Support;
using Xunit.Abstractions;

namespace Explain.Cam.Tests.Perturbations;

/// <summary>
/// smoothgradcam++, sscam, iscam, occlusion and rise against tests/fixtures/make_perturb_fixtures.py
/// (PyTorch float64; TorchCAM's, Captum's and the RISE authors' formulas re-implemented there, the
/// noise and masks drawn from Explain's SeededNoise bit for bit) on resnet18, on both backends. All
/// methods of one layer run in ONE explain call per backend (smoothgradcam++ at layer3, the others at
/// layer4) and are checked method by method.
/// </summary>
/// <remarks>
/// Tolerances. The reference sees the same float32 input, noise and masks; what differs is float32
/// arithmetic in the model (~1e-6 relative per logit) and in the masks (≤ 1 ulp). Score-weighted
/// sums (sscam, iscam, rise, occlusion) average many scores, so their raw maps keep that order:
/// raw relative L2 &lt; 1e-3 (the CAM suite's margin), normalized max |Δ| &lt; 1e-5 + 2e-5 / r, r the
/// reference's relative range. Occlusion's score drops are differences of nearly equal logits
/// (a 20 × 20 window barely moves a logit of ~1): a 1e-6 error of each logit is ~1e-4 of a drop,
/// so raw 2e-3 and 2e-4 / r. smoothgradcam++ differentiates at 4 noisy inputs the engine fixtures did
/// not screen for ReLU/MaxPool decisions within float32 rounding of flipping (as SmoothGrad's
/// tolerance in AttributionFixtureTests): raw 5e-3, normalized 2e-2 / r.
/// Measured 2026-12-02, both backends: raw relative L2 ≤ 2.9e-7 and normalized max |Δ| ≤ 1.3e-6 for
/// smoothgradcam++, sscam, iscam and rise; occlusion raw ≤ 2.0e-5, normalized ≤ 1.7e-5.
/// </remarks>
public sealed class PerturbationFixtureTests(ITestOutputHelper output)
{
    public static readonly string[] Methods = ["smoothgradcam++", "sscam", "iscam", "occlusion", "rise"];

    private static readonly ConcurrentDictionary<(BackendKind, string), Lazy<Explanation>> Explanations = new();

    public static TheoryData<string, BackendKind> Cases()
    {
        var data = new TheoryData<string, BackendKind>();
        foreach (var method in Methods)
            foreach (var backend in Fixtures.CamFixtureTests.Backends)
                data.Add(method, backend);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Explain_PerturbationMethodOnResnet18_MatchesPyTorchReference(string method, BackendKind backend)
    {
        var fixture = PerturbFixture.Require("resnet18");
        var explanation = Explain(fixture, backend, fixture.LayerOf(method));
        var (rawTolerance, perRange) = method switch
        {
            "smoothgradcam++" => (5e-3, 2e-2),
            "occlusion" => (2e-3, 2e-4),
            _ => (1e-3, 2e-5),
        };
        var problems = new List<string>();
        foreach (int c in fixture.Classes)
        {
            var map = explanation.Maps.Single(m => m.Method == method && m.Class == c);
            string file = $"{method}-c{c}";
            var raw = fixture.Reference(file + ".raw.npy");
            var normalized = fixture.Reference(file + ".npy");
            Assert.Equal(raw.Shape, map.RawShape);
            Assert.Equal(normalized.Shape, map.MapShape);
            double rawError = MapError.RelativeL2(map.Raw, raw.Floats);
            double range = Math.Max(fixture.RelativeRange(file + ".raw.npy"), 1e-12);
            double tolerance = fixture.AllZeroMaps.Contains(file + ".npy") ? 1e-6 : 1e-5 + perRange / range;
            double mapError = MapError.MaxAbs(map.Map, normalized.Floats);
            output.WriteLine($"resnet18 {method} {backend} c{c}: raw rel L2 {rawError:G3} (< {rawTolerance:G3}), normalized max |Δ| {mapError:G3} (< {tolerance:G3})");
            if (!(rawError < rawTolerance)) problems.Add($"c{c}: raw relative L2 {rawError:G3}");
            if (!(mapError < tolerance)) problems.Add($"c{c}: normalized max |Δ| {mapError:G3} ≥ {tolerance:G3}");
        }
        Assert.True(problems.Count == 0, $"resnet18 {method} on {backend}: {string.Join("; ", problems)}");
    }

    /// <summary>Every method whose reference is at <paramref name="layer"/>, in one call.</summary>
    private static Explanation Explain(PerturbFixture fixture, BackendKind backend, string layer) =>
        Explanations.GetOrAdd((backend, layer), _ => new Lazy<Explanation>(() =>
        {
            using var explainer = fixture.CreateExplainer(backend);
            return explainer.Explain(fixture.Input(), new ExplainOptions
            {
                Methods = Methods.Where(m => fixture.LayerOf(m) == layer).ToList(),
                Layers = [layer],
                Targets = new TargetSelection(fixture.Classes, 0, false),
                Seed = fixture.Seed,
                ScoreCamChannels = fixture.ScoreChannels,
                Perturbation = fixture.Parameters,
            });
        })).Value;
}
