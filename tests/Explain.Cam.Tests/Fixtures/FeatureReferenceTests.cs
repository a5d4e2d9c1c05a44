using System.Text.Json;
using Explain.Cam.Targets;
using Explain.Cam.Tests.Support;
using Xunit.Abstractions;

namespace Explain.Cam.Tests.Fixtures;

/// <summary>
/// Value tests for the features that only had presence or shape checks (issue 16), against
/// independent references in tests/fixtures/make_cam_fixtures.py (feature_references): eigen-smooth
/// and aug-smooth with pytorch-grad-cam's semantics, Faster Score-CAM on the same top-64 channels,
/// Group-CAM as its authors' published algorithm, and the faithfulness metrics' definitions in
/// PyTorch. Maps use the same tolerances as every other method (ReferenceComparison). The
/// references exist for the architectures in make_cam_fixtures.py's FEATURE_ARCHS (resnet18: they
/// re-run the float64 model 30–100 times per class).
/// </summary>
public sealed class FeatureReferenceTests(ITestOutputHelper output)
{
    /// <summary>make_cam_fixtures.py FEATURE_ARCHS.</summary>
    public static readonly string[] FeatureArchitectures = ["resnet18"];

    public static TheoryData<string> Architectures() => new(FeatureArchitectures);

    public static TheoryData<string, string> EigenSmoothCases()
    {
        var data = new TheoryData<string, string>();
        foreach (string arch in FeatureArchitectures)
            foreach (string method in new[] { "gradcam", "gradcam++" })
                data.Add(method, arch);
        return data;
    }

    [Theory]
    [MemberData(nameof(EigenSmoothCases))]
    public void EigenSmooth_Method_MatchesPrincipalProjectionOfWeightedActivations(string method, string arch)
    {
        var fixture = CamFixture.Require(arch);
        var explanation = fixture.CreateExplainer().Explain(fixture.Input(), Options(fixture, method) with { EigenSmooth = true });

        // The projection's sign is free (as for Eigen-CAM): compared up to sign, normalized with that sign.
        AssertMaps(fixture, explanation, method, c => $"{method}-eigensmooth-c{c}", signFree: true);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void AugSmooth_GradCam_IsTheMeanOfTheSixDeaugmentedNormalizedMaps(string arch)
    {
        var fixture = CamFixture.Require(arch);
        var explanation = fixture.CreateExplainer().Explain(fixture.Input(), Options(fixture, "gradcam") with { AugSmooth = true });

        var problems = new List<string>();
        foreach (int c in fixture.Classes)
        {
            string stem = $"gradcam-augsmooth-c{c}";
            var map = explanation.Maps.Single(m => m.Method == "gradcam" && m.Class == c);
            var reference = fixture.Reference(stem + ".npy");
            // Each of the six maps carries the normalization error of its own raw map; the mean is
            // held to the bound of the worst (smallest relative range) of them.
            double range = fixture.FeatureReferences.GetProperty("aug_smooth").GetProperty(stem).GetProperty("smallest_relative_range").GetDouble();
            double tolerance = ReferenceComparison.NormalizedBase + ReferenceComparison.PerRange / Math.Max(range, 1e-12);
            double error = MapError.MaxAbs(map.Map, reference.Floats);
            output.WriteLine($"{arch} {stem}: max |Δ| {error:G3} (tolerance {tolerance:G3})");
            if (!map.MapShape.SequenceEqual(reference.Shape))
                problems.Add($"c{c}: shape [{string.Join(", ", map.MapShape)}], reference [{string.Join(", ", reference.Shape)}]");
            else if (!(error < tolerance))
                problems.Add($"c{c}: max |Δ| {error:G3} ≥ {tolerance:G3}");
        }
        Assert.True(problems.Count == 0, $"{arch} aug-smooth: {string.Join("; ", problems)}");
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void FasterScoreCam_Top64_MatchesScoreCamOnTheSameChannels(string arch)
    {
        var fixture = CamFixture.Require(arch);
        var faster = fixture.FeatureReferences.GetProperty("faster_scorecam");
        int channels = faster.GetProperty("channels").GetInt32();
        output.WriteLine($"{arch}: top-{channels} channels, variance gap at the cut {faster.GetProperty("variance_gap").GetDouble():G3}");
        var explanation = fixture.CreateExplainer().Explain(fixture.Input(), Options(fixture, "scorecam") with { ScoreCamChannels = channels });

        AssertMaps(fixture, explanation, "scorecam", c => $"scorecam-top{channels}-c{c}", signFree: false);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void GroupCam_Method_MatchesTheAuthorsAlgorithm(string arch)
    {
        var fixture = CamFixture.Require(arch);
        var explanation = fixture.CreateExplainer().Explain(fixture.Input(), Options(fixture, "groupcam"));

        AssertMaps(fixture, explanation, "groupcam", c => $"groupcam-c{c}", signFree: false);
    }

    /// <summary>
    /// Faithfulness.Score on the reference Grad-CAM map against the same definitions in PyTorch
    /// (float64). Both rank the same float32 map, so only the model's float32 error remains: the
    /// engine's logits are within 1e-4 relative L2 of PyTorch's (ModelFixtureTests), which moves a
    /// softmax probability by at most ~1e-4 of itself; the bounds below are 1e-3 relative (10×).
    /// </summary>
    [Theory]
    [MemberData(nameof(Architectures))]
    public void Faithfulness_ReferenceMap_MatchesPyTorchDefinitions(string arch)
    {
        var fixture = CamFixture.Require(arch);
        var explainer = fixture.CreateExplainer();
        var input = fixture.Input();
        var maps = fixture.Classes.Select(c =>
        {
            var reference = fixture.Reference($"gradcam-c{c}.npy");
            return new CamMap("gradcam", $"class {c}", c, fixture.ActivationName, [], [0, 0], reference.Floats, reference.Shape);
        }).ToList();
        var explanation = new Explanation([], maps, [fixture.ActivationName], new Dictionary<string, double>());

        var scores = Faithfulness.Score(explainer.Probe, input, explanation);

        Assert.Equal(fixture.Classes.Count, scores.Count);
        var problems = new List<string>();
        for (int i = 0; i < scores.Count; i++)
        {
            int c = fixture.Classes[i];
            var expected = fixture.FeatureReferences.GetProperty("faithfulness").GetProperty($"gradcam-c{c}");
            double y = expected.GetProperty("y").GetDouble(), o = expected.GetProperty("o").GetDouble();
            output.WriteLine($"{arch} c{c}: ours drop {scores[i].AverageDropPercent:G6} / increase {scores[i].IncreaseInConfidencePercent} / deletion {scores[i].DeletionAuc:G6} / insertion {scores[i].InsertionAuc:G6}; "
                + $"PyTorch {Get(expected, "average_drop_percent"):G6} / {Get(expected, "increase_in_confidence_percent")} / {Get(expected, "deletion_auc"):G6} / {Get(expected, "insertion_auc"):G6} (Y {y:G4}, O {o:G4})");
            Close(problems, c, "deletion AUC", scores[i].DeletionAuc, Get(expected, "deletion_auc"));
            Close(problems, c, "insertion AUC", scores[i].InsertionAuc, Get(expected, "insertion_auc"));
            // Average Drop = max(0, Y − O)/Y·100: its error is that of (Y − O)/Y, 1e-3 of max(Y, O)/Y·100.
            double dropTolerance = 1e-3 * Math.Max(y, o) / y * 100;
            if (!(Math.Abs(scores[i].AverageDropPercent - Get(expected, "average_drop_percent")) <= dropTolerance))
                problems.Add($"c{c}: Average Drop {scores[i].AverageDropPercent:G6} vs {Get(expected, "average_drop_percent"):G6} (tolerance {dropTolerance:G3})");
            // Increase in Confidence is a step at O = Y: decided only where O and Y differ by more than that error.
            if (Math.Abs(o - y) > 1e-3 * Math.Max(y, o))
                if (scores[i].IncreaseInConfidencePercent != Get(expected, "increase_in_confidence_percent"))
                    problems.Add($"c{c}: Increase in Confidence {scores[i].IncreaseInConfidencePercent} vs {Get(expected, "increase_in_confidence_percent")}");
        }
        Assert.True(problems.Count == 0, $"{arch} faithfulness: {string.Join("; ", problems)}");
    }

    [Fact]
    public void Faithfulness_MetricsOption_ScoresTheExplanationsOwnMaps()
    {
        // The wiring: --metrics reports Faithfulness.Score of the maps it returns, one row per map.
        var fixture = CamFixture.Require("resnet18");
        var explainer = fixture.CreateExplainer();
        var input = fixture.Input();

        var explanation = explainer.Explain(input, Options(fixture, "gradcam") with { Metrics = true });

        // ARCC's coherency re-explains the map-masked input with the same method and target.
        var direct = Faithfulness.Score(explainer.Probe, input, explanation with { Metrics = null }, new Explain.Cam.Evaluation.EvaluationOptions(), 0,
            (x, m) => explainer.Explain(x, Options(fixture, m.Method) with { Targets = new TargetSelection([m.Class!.Value], 0, false) }).Maps[0].Map);
        Assert.Equal(direct, explanation.Metrics);
        Assert.Equal(fixture.Classes.Count, direct.Count);
    }

    private static ExplainOptions Options(CamFixture fixture, string method) =>
        new() { Methods = [method], Layers = [fixture.ActivationName], Targets = new TargetSelection(fixture.Classes, 0, false) };

    private void AssertMaps(CamFixture fixture, Explanation explanation, string method, Func<int, string> stem, bool signFree)
    {
        var problems = new List<string>();
        foreach (int c in fixture.Classes)
        {
            var maps = explanation.Maps.Where(m => m.Method == method && m.Class == c).ToList();
            if (maps.Count != 1)
            {
                problems.Add($"c{c}: {maps.Count} maps");
                continue;
            }
            var comparison = ReferenceComparison.HeatMap(fixture, maps[0], signFree, stem(c));
            output.WriteLine($"{fixture.Arch} {stem(c)}: raw rel L2 {comparison.RawError:G3}, normalized max |Δ| {comparison.NormalizedError:G3} (tolerance {comparison.NormalizedTolerance:G3})");
            problems.AddRange(comparison.Problems.Select(p => $"c{c}: {p}"));
        }
        Assert.True(problems.Count == 0, $"{fixture.Arch} {method}: {string.Join("; ", problems)}");
    }

    private static double Get(JsonElement e, string name) => e.GetProperty(name).GetDouble();

    private static void Close(List<string> problems, int c, string what, double actual, double expected)
    {
        double tolerance = 1e-3 * Math.Abs(expected) + 1e-9;
        if (!(Math.Abs(actual - expected) <= tolerance))
            problems.Add($"c{c}: {what} {actual:G6} vs {expected:G6} (tolerance {tolerance:G3})");
    }
}
