using System.Text.Json;
using Explain.Backends;
using Explain.Cam.Backends;
using Explain.Cam.Models;
using Explain.Cam.Targets;
using Explain.Cam.Tests.Support;
using Explain.Engine.Tensors;
using Xunit.Abstractions;

namespace Explain.Cam.Tests.Targets;

/// <summary>
/// Target objects (issue 14, part 1) against tests/fixtures/make_target_fixtures.py: pytorch-grad-cam's
/// ClassifierOutputTarget, ClassifierOutputSoftmaxTarget, ClassifierOutputReST, raw-score sum, a
/// multi-label set and BinaryClassifierOutputTarget re-implemented in float64, each explained by
/// Grad-CAM (the seed path) and Ablation-CAM (the target's score on re-run outputs). All targets of a
/// case run in ONE explain call, so their seeds share one backward pass.
/// </summary>
/// <remarks>
/// Tolerance: raw maps relative L2 &lt; 1e-3, as the CAM suite's class targets (float32 activations and
/// gradients are ~1e-6 from float64; the seeds are computed in float64 from float32 scores, so a
/// softmax seed carries the scores' own ~1e-7 relative rounding). Ablation-CAM divides by the target's
/// score: for a softmax target of a low-probability class that is a small number known to float32
/// precision, so its weights keep ~1e-6 relative error, well inside the bound.
/// </remarks>
public sealed class TargetFixtureTests(ITestOutputHelper output)
{
    private const double Bound = 1e-3;

    /// <summary>ShapleyCAM's J·A is a float32 central difference (AttributionFixtureTests: 2e-3 for the same reason).</summary>
    private const double ShapleyBound = 2e-3;

    private sealed record Case(string Directory, string Model, Tensor Input, string? Layer, string[] Targets, string[] Specs);

    private static string Root => Environment.GetEnvironmentVariable("EXPLAIN_TARGET_FIXTURES") is { Length: > 0 } dir
        ? dir
        : Path.Combine(RepoPaths.Root, ".fixtures", "targets");

    private static Case Load(string name)
    {
        string dir = Path.Combine(Root, name);
        string meta = Path.Combine(dir, "targets_meta.json");
        if (!File.Exists(meta))
            throw new Xunit.Sdk.XunitException($"target fixture '{name}' is missing ({meta}): run `bash tests/fixtures/ensure-fixtures.sh`");
        using var doc = JsonDocument.Parse(File.ReadAllText(meta));
        var root = doc.RootElement;
        string[] Strings(string p) => root.GetProperty(p).EnumerateArray().Select(e => e.GetString()!).ToArray();
        if (name == "binary")
            return new Case(dir, Path.Combine(dir, "model.onnx"), Npy.Read(Path.Combine(dir, "input.npy")), null, Strings("targets"), Strings("specs"));
        var engine = CamFixture.Require("resnet18");
        return new Case(dir, engine.OnnxPath, engine.Input(), root.GetProperty("layer").GetString(), Strings("targets"), Strings("specs"));
    }

    private static Explanation Explain(Case c, BackendKind backend, IReadOnlyList<string> methods, IReadOnlyList<CamTarget> targets)
    {
        var card = new ModelCard { Name = Path.GetFileName(c.Directory), OnnxPath = c.Model };
        using var explainer = new Explainer(ExecutionBackends.Open(new BackendOptions { Kind = backend, Threads = 2 }, card), card);
        return explainer.Explain(c.Input, new ExplainOptions
        {
            Methods = methods,
            Layers = c.Layer is null ? [] : [c.Layer],
            Targets = TargetSelection.Of(targets),
            // shapley_score applies to class (logit) targets only: logit here, so "logit:K" is explained as y_K as
            // in the reference; softmax and ReST items bring their own curvature whatever shapley_score says.
            Attribution = global::Explain.Cam.Attribution.AttributionParameters.Default with { ShapleyScore = global::Explain.Cam.Attribution.ShapleyScore.Logit },
        });
    }

    public static TheoryData<BackendKind> Backends() => new(Fixtures.CamFixtureTests.Backends);

    [Theory]
    [MemberData(nameof(Backends))]
    public void Explain_EveryTargetKind_MatchesPyTorchTargets(BackendKind backend)
    {
        var c = Load("resnet18");
        var explanation = Explain(c, backend, ["gradcam", "ablationcam", "shapleycam"], c.Specs.Select(TargetSpec.Parse).ToList());
        Check(c, explanation, ["gradcam", "ablationcam", "shapleycam"], backend);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Explain_BinaryTargetsOfOneOutputModel_MatchPyTorch(BackendKind backend)
    {
        var c = Load("binary");
        var explanation = Explain(c, backend, ["gradcam"], c.Specs.Select(TargetSpec.Parse).ToList());
        Check(c, explanation, ["gradcam"], backend);
        var positive = explanation.Maps.Single(m => m.Target == "binary-positive").Raw;
        var negative = explanation.Maps.Single(m => m.Target == "binary-negative").Raw;
        Assert.Equal(positive.Select(v => -v), negative);
    }

    /// <summary>Batched equals one at a time: a target explained alone gives the map it gets among the others.</summary>
    [Fact]
    public void Explain_TargetAlone_EqualsTargetInTheBatch()
    {
        var c = Load("resnet18");
        var all = Explain(c, BackendKind.OnnxRuntime, ["gradcam"], c.Specs.Select(TargetSpec.Parse).ToList());
        foreach (var spec in c.Specs.Where(s => s.StartsWith("softmax", StringComparison.Ordinal) || s == "sum"))
        {
            var alone = Explain(c, BackendKind.OnnxRuntime, ["gradcam"], [TargetSpec.Parse(spec)]).Maps.Single();
            var batched = all.Maps.Single(m => m.Target == alone.Target);
            double error = MapError.RelativeL2(alone.Raw, batched.Raw);
            Assert.True(error < 1e-6, $"{spec}: relative L2 {error:G3} between alone and batched");
        }
    }

    [Fact]
    public void Explain_BinaryTargetOnManyClassModel_FailsNamingTheRule()
    {
        var c = Load("resnet18");
        var e = Assert.Throws<ArgumentException>(() => Explain(c, BackendKind.OnnxRuntime, ["gradcam"], [new BinaryTarget(true)]));
        Assert.Contains("one score output", e.Message);
    }

    private void Check(Case c, Explanation explanation, string[] methods, BackendKind backend)
    {
        var problems = new List<string>();
        foreach (var method in methods)
            foreach (var target in c.Targets)
            {
                var map = explanation.Maps.Single(m => m.Method == method && m.Target == target);
                var reference = Npy.Read(Path.Combine(c.Directory, $"{method}-{target}.raw.npy"));
                Assert.Equal(reference.Shape, map.RawShape);
                double error = MapError.RelativeL2(map.Raw, reference.Floats);
                double bound = method == "shapleycam" ? ShapleyBound : Bound;
                output.WriteLine($"{Path.GetFileName(c.Directory)} {method} {target} {backend}: raw rel L2 {error:G3} (< {bound:G3})");
                if (!(error < bound))
                    problems.Add($"{method} {target}: raw relative L2 {error:G3}");
            }
        Assert.True(problems.Count == 0, string.Join("; ", problems));
    }
}
