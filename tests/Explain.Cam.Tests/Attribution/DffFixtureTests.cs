using System.Collections.Concurrent;
using Explain.Cam.Backends;
using Explain.Cam.Targets;
using Explain.Cam.Tests.Support;
using Xunit.Abstractions;

namespace Explain.Cam.Tests.Attribution;

/// <summary>
/// dff against tests/fixtures/make_dff_fixtures.py (the same NNDSVDa + HALS factorization in
/// float64 NumPy) on resnet18, both preprocessings (papers: max(A, 0); pytorch-grad-cam: per-channel
/// offsets) and both backends: the concept heatmaps, the concepts' top classes through the head, and
/// the concept shares of the textual explanation.
/// </summary>
/// <remarks>
/// Tolerances: the factorization is a fixed, continuous map of the activations (same init, 200
/// sweeps, no data-dependent stop), so the float32 layer (≈ 1e-6 from float64) moves the result by
/// that times its conditioning. Measured 2026-12-02 on resnet18 (16 positions, 4 concepts): raw
/// relative L2 1.5e-7–9.5e-7 and normalized max |Δ| 2.4e-7–1.1e-6 on both backends, class scores
/// within 1e-6. Raw 1e-4, normalized 1e-5 + 2e-5 / r (r the reference's relative range; the CAM
/// suite's normalized bound), scores and probabilities 1e-3 relative, shares 1e-4; classes equal.
/// /// </remarks>
public sealed class DffFixtureTests(ITestOutputHelper output)
{
    private static readonly ConcurrentDictionary<(string, BackendKind), Lazy<Explanation>> Explanations = new();

    public static TheoryData<string, BackendKind> Cases()
    {
        var data = new TheoryData<string, BackendKind>();
        foreach (var mode in new[] { "papers", "pytorch-grad-cam" })
            foreach (var backend in Fixtures.CamFixtureTests.Backends)
                data.Add(mode, backend);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Explain_Dff_ConceptMapsMatchTheReference(string mode, BackendKind backend)
    {
        var fixture = DffFixture.Require("resnet18");
        var reference = fixture.Mode(mode);
        string prefix = reference.GetProperty("prefix").GetString()!;
        var explanation = Explain(fixture, mode, backend);
        var maps = explanation.Maps.Where(m => m.Method == "dff").ToList();

        Assert.Equal(Enumerable.Range(0, fixture.Concepts).Select(j => $"concept-{j}"), maps.Select(m => m.Target));
        var problems = new List<string>();
        for (int j = 0; j < fixture.Concepts; j++)
        {
            var raw = fixture.Reference($"{prefix}-concept-{j}.raw.npy");
            var normalized = fixture.Reference($"{prefix}-concept-{j}.npy");
            Assert.Equal(raw.Shape, maps[j].RawShape);
            Assert.Equal(normalized.Shape, maps[j].MapShape);
            Assert.Null(maps[j].Class);
            double rawError = MapError.RelativeL2(maps[j].Raw, raw.Floats);
            double range = Math.Max(fixture.RelativeRange($"{prefix}-concept-{j}.raw.npy"), 1e-12);
            double mapError = MapError.MaxAbs(maps[j].Map, normalized.Floats), tolerance = 1e-5 + 2e-5 / range;
            output.WriteLine($"{mode} {backend} concept {j}: raw rel L2 {rawError:G3} (< 1e-4), normalized max |Δ| {mapError:G3} (< {tolerance:G3})");
            if (!(rawError < 1e-4)) problems.Add($"concept {j}: raw relative L2 {rawError:G3}");
            if (!(mapError < tolerance)) problems.Add($"concept {j}: normalized max |Δ| {mapError:G3}");
        }
        Assert.True(problems.Count == 0, string.Join("; ", problems));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Explain_Dff_ConceptClassesMatchTheReference(string mode, BackendKind backend)
    {
        var fixture = DffFixture.Require("resnet18");
        var expected = fixture.Mode(mode).GetProperty("classes").EnumerateArray().ToList();
        var maps = Explain(fixture, mode, backend).Maps.Where(m => m.Method == "dff").ToList();

        for (int j = 0; j < fixture.Concepts; j++)
        {
            var want = expected[j].EnumerateArray().ToList();
            var got = maps[j].ConceptClasses!;
            Assert.Equal(want.Select(e => e.GetProperty("class").GetInt32()), got.Select(p => p.Class));
            for (int i = 0; i < want.Count; i++)
            {
                double score = want[i].GetProperty("score").GetDouble(), probability = want[i].GetProperty("probability").GetDouble();
                output.WriteLine($"{mode} {backend} concept {j} class {got[i].Class}: score {got[i].Score:G6} vs {score:G6}, p {got[i].Probability:G6} vs {probability:G6}");
                Assert.True(Math.Abs(got[i].Score - score) < 1e-3 * Math.Max(1, Math.Abs(score)), $"concept {j} score {got[i].Score} vs {score}");
                Assert.True(Math.Abs(got[i].Probability - probability) < 1e-3 * probability, $"concept {j} probability {got[i].Probability} vs {probability}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Explain_Dff_TextNamesConceptsWithTheReferenceShares(string mode, BackendKind backend)
    {
        var fixture = DffFixture.Require("resnet18");
        var reference = fixture.Mode(mode);
        var shares = reference.GetProperty("text_shares").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var betas = reference.GetProperty("text_beta").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var explanation = Explain(fixture, mode, backend);

        var text = Assert.Single(explanation.Texts!);
        Assert.True(text.Concepts);
        Assert.Equal(reference.GetProperty("text_class").GetInt32(), text.Class);
        output.WriteLine(text.Sentence);
        var expectedTop = shares.Select((s, j) => (s, j)).Where(e => e.s > 0).OrderByDescending(e => e.s).ThenBy(e => e.j).Take(3).Select(e => e.j);
        Assert.Equal(expectedTop, text.Channels.Select(c => c.Channel));
        foreach (var c in text.Channels)
        {
            Assert.True(Math.Abs(c.Share - shares[c.Channel]) < 1e-4, $"concept {c.Channel} share {c.Share} vs {shares[c.Channel]}");
            Assert.True(Math.Abs(c.Weight - betas[c.Channel]) < 1e-3 * Math.Abs(betas[c.Channel]) + 1e-9, $"concept {c.Channel} beta {c.Weight} vs {betas[c.Channel]}");
            string names = string.Join(", ", explanation.Maps.Single(m => m.Target == $"concept-{c.Channel}").ConceptClasses!.Select(p => p.Label));
            Assert.Equal(names, c.Name);
            Assert.Contains($"% from concept {c.Channel} ({names})", text.Sentence);
        }
    }

    private static Explanation Explain(DffFixture fixture, string mode, BackendKind backend) =>
        Explanations.GetOrAdd((mode, backend), _ => new Lazy<Explanation>(() =>
        {
            using var explainer = fixture.CreateExplainer(backend);
            return explainer.Explain(fixture.Input(), new ExplainOptions
            {
                Methods = ["dff"],
                Layers = [fixture.ActivationName],
                Targets = new TargetSelection([fixture.Mode(mode).GetProperty("text_class").GetInt32()], 0, false),
                Compat = mode == "papers" ? CompatMode.Papers : CompatMode.PytorchGradCam,
                Attribution = Cam.Attribution.AttributionParameters.Default with
                {
                    DffConcepts = fixture.Concepts, DffIterations = fixture.Iterations, DffTopClasses = fixture.TopClasses,
                },
            });
        })).Value;
}
