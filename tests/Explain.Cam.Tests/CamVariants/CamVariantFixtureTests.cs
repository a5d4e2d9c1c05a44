using System.Collections.Concurrent;
using Explain.Cam.Attribution;
using Explain.Cam.Backends;
using Explain.Cam.Methods;
using Explain.Cam.Targets;
using Explain.Cam.Tests.Support;
using Xunit.Abstractions;

namespace Explain.Cam.Tests.CamVariants;

/// <summary>
/// FinerCAM, KPCA-CAM, FEM, Seg-Eigen-CAM and RefineCAM against tests/fixtures/make_camvariant_fixtures.py
/// (PyTorch float64, pytorch-grad-cam HEAD 084273b re-implemented) on resnet18 and mobilenet_v2, two
/// classes, both backends. The default-parameter methods of one architecture and backend run in ONE
/// explain call (FinerCAM's contrastive seeds ride its shared backward pass beside the others').
/// </summary>
/// <remarks>
/// Tolerances as the CAM and attribution suites derive them: raw maps relative L2 &lt; 1e-3 (float32
/// activations and gradients are ~1e-6 from float64; the principal and kernel principal
/// components amplify that by 1 / eigengap, and the script records gaps ≥ 0.048, so ≤ ~2e-5);
/// normalized maps max |Δ| &lt; 1e-5 + 2e-5 / r, r the reference's relative range. FEM counts the
/// positions above μ + kσ: the script records the nearest activation ≥ 2e-4 σ from its threshold,
/// far above float32 rounding, so no count can flip and FEM keeps the same tolerance.
/// </remarks>
public sealed class CamVariantFixtureTests(ITestOutputHelper output)
{
    public static readonly string[] Architectures = ["resnet18", "mobilenet_v2"];

    public static readonly string[] Methods = ["finercam", "kpcacam", "fem", "segeigencam"];

    private static readonly ConcurrentDictionary<(string, BackendKind, string), Lazy<Explanation>> Explanations = new();

    public static TheoryData<string, string, BackendKind> Cases()
    {
        var data = new TheoryData<string, string, BackendKind>();
        foreach (var method in Methods)
            foreach (var arch in Architectures)
                foreach (var backend in Fixtures.CamFixtureTests.Backends)
                    data.Add(method, arch, backend);
        return data;
    }

    public static TheoryData<BackendKind> Backends() => new(Fixtures.CamFixtureTests.Backends);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Explain_CamVariantOnArchitecture_MatchesPyTorchReference(string method, string arch, BackendKind backend)
    {
        var fixture = CamVariantFixture.Require(arch);
        var explanation = Explain(fixture, backend, "defaults", Methods, [fixture.ActivationName], AttributionParameters.Default, CompatMode.Papers);
        Check(fixture, explanation, method, method, backend);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Explain_CamVariantParameters_MatchPyTorchReference(BackendKind backend)
    {
        var fixture = CamVariantFixture.Require("resnet18");
        var p = fixture.Parameters;
        var finer = p.GetProperty("finercam_variant");
        var kpca = p.GetProperty("kpca_variant");
        var parameters = AttributionParameters.Default with
        {
            FinerCamAlpha = (float)finer[0].GetDouble(),
            FinerCamComparisons = finer[1].GetInt32(),
            KpcaKernel = Enum.Parse<KpcaKernel>(kpca[0].GetString()!, ignoreCase: true),
            KpcaGamma = (float)kpca[1].GetDouble(),
            FemK = (float)p.GetProperty("fem_variant").GetDouble(),
        };
        var explanation = Explain(fixture, backend, "variants", ["finercam", "kpcacam", "fem"], [fixture.ActivationName], parameters, CompatMode.Papers);
        Check(fixture, explanation, "finercam", $"finercam-a{finer[0].GetDouble():0.0###}-k{finer[1].GetInt32()}", backend);
        Check(fixture, explanation, "kpcacam", $"kpcacam-{kpca[0].GetString()}-g{kpca[1].GetDouble():0.0###}", backend);
        Check(fixture, explanation, "fem", $"fem-k{p.GetProperty("fem_variant").GetDouble():0.0###}", backend);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Explain_RefineCamOnTwoLayers_MatchesPyTorchReference(BackendKind backend)
    {
        var fixture = CamVariantFixture.Require("resnet18");
        var explanation = Explain(fixture, backend, "refine", ["refinecam"], fixture.RefineLayers, AttributionParameters.Default, CompatMode.Papers);
        Check(fixture, explanation, "refinecam", "refinecam", backend);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Explain_RefineCamCompat_ReproducesPytorchGradCam(BackendKind backend)
    {
        var fixture = CamVariantFixture.Require("resnet18");
        var explanation = Explain(fixture, backend, "refine-compat", ["refinecam"], fixture.RefineLayers, AttributionParameters.Default, CompatMode.PytorchGradCam);
        Check(fixture, explanation, "refinecam", "refinecam-compat", backend);
        var papers = Explain(fixture, backend, "refine", ["refinecam"], fixture.RefineLayers, AttributionParameters.Default, CompatMode.Papers);
        var c = fixture.Classes[0];
        double difference = MapError.MaxAbs(explanation.Maps.Single(m => m.Class == c).Map, papers.Maps.Single(m => m.Class == c).Map);
        output.WriteLine($"refinecam papers vs compat, c{c}: max |Δ| {difference:G3}");
        Assert.True(difference > 1e-3, "the paper's per-layer normalization and pytorch-grad-cam's should give different maps on two layers");
    }

    [Fact]
    public void Explain_FinerCamBesideGradCam_LeavesGradCamUnchanged()
    {
        // The contrastive rows share the backward pass: the targets' own rows must not move.
        var fixture = CamVariantFixture.Require("resnet18");
        var alone = Explain(fixture, BackendKind.OnnxRuntime, "gradcam", ["gradcam"], [fixture.ActivationName], AttributionParameters.Default, CompatMode.Papers);
        var together = Explain(fixture, BackendKind.OnnxRuntime, "gradcam+finercam", ["gradcam", "finercam"], [fixture.ActivationName], AttributionParameters.Default, CompatMode.Papers);
        foreach (int c in fixture.Classes)
        {
            var a = alone.Maps.Single(m => m.Method == "gradcam" && m.Class == c);
            var b = together.Maps.Single(m => m.Method == "gradcam" && m.Class == c);
            Assert.Equal(a.Raw, b.Raw);
            var finer = together.Maps.Single(m => m.Method == "finercam" && m.Class == c);
            Assert.True(MapError.RelativeL2(finer.Raw, a.Raw) > 1e-3, $"c{c}: finercam's map equals gradcam's: the contrastive seeds were not used");
        }
    }

    private void Check(CamVariantFixture fixture, Explanation explanation, string method, string stem, BackendKind backend)
    {
        var problems = new List<string>();
        foreach (int c in fixture.Classes)
        {
            var map = explanation.Maps.Single(m => m.Method == method && m.Class == c);
            string file = $"{stem}-c{c}";
            var raw = fixture.Reference(file + ".raw.npy");
            var normalized = fixture.Reference(file + ".npy");
            if (!map.RawShape.SequenceEqual(raw.Shape) || !map.MapShape.SequenceEqual(normalized.Shape))
            {
                problems.Add($"c{c}: shapes raw [{string.Join(",", map.RawShape)}] map [{string.Join(",", map.MapShape)}], reference [{string.Join(",", raw.Shape)}] [{string.Join(",", normalized.Shape)}]");
                continue;
            }
            double rawError = MapError.RelativeL2(map.Raw, raw.Floats);
            double range = Math.Max(fixture.RelativeRange(file + ".raw.npy"), 1e-12);
            double tolerance = fixture.AllZeroMaps.Contains(file + ".npy") ? 1e-6 : 1e-5 + 2e-5 / range;
            double mapError = MapError.MaxAbs(map.Map, normalized.Floats);
            output.WriteLine($"{fixture.Arch} {stem} {backend} c{c}: raw rel L2 {rawError:G3} (< 1e-3), normalized max |Δ| {mapError:G3} (< {tolerance:G3})");
            if (!(rawError < 1e-3)) problems.Add($"c{c}: raw relative L2 {rawError:G3}");
            if (!(mapError < tolerance)) problems.Add($"c{c}: normalized max |Δ| {mapError:G3} ≥ {tolerance:G3}");
        }
        Assert.True(problems.Count == 0, $"{fixture.Arch} {stem} on {backend}: {string.Join("; ", problems)}");
    }

    private static Explanation Explain(CamVariantFixture fixture, BackendKind backend, string key, IReadOnlyList<string> methods, IReadOnlyList<string> layers,
        AttributionParameters parameters, CompatMode compat) =>
        Explanations.GetOrAdd((fixture.Arch, backend, key), _ => new Lazy<Explanation>(() =>
        {
            using var explainer = fixture.CreateExplainer(backend);
            return explainer.Explain(fixture.Input(), new ExplainOptions
            {
                Methods = methods,
                Layers = layers,
                Targets = new TargetSelection(fixture.Classes, 0, false),
                Attribution = parameters,
                Compat = compat,
            });
        })).Value;
}
