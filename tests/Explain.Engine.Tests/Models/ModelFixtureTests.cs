using Explain.Engine.Graph;
using Explain.Engine.Onnx;
using Explain.Engine.Tensors;
using Explain.Engine.Tests.Fixtures;
using Xunit.Abstractions;

namespace Explain.Engine.Tests.Models;

/// <summary>
/// The engine against PyTorch on torchvision classifiers with seeded random weights (issue 2,
/// "How it is checked"): logits and the observed activation within 1e-4, every gradient
/// (standard, three classes in one seed, guided) within 1e-3, as relative L2 error against
/// float64 PyTorch references. The bounds hold without slack because the fixture script picks
/// inputs away from ReLU/MaxPool decision boundaries (meta.json "decision_check"): near one,
/// float32 rounding flips a decision and moves input gradients by ~1e-3 whatever the engine does.
/// vgg16 is the exception: at 224×224 (the only size its AdaptiveAvgPool(7) exports at) it has
/// ~15M units before pooling and every input drawn had a decision within a 1e-6 nudge (input
/// gradients moved 1.5e-3 to 7e-3), so its input gradients are held to 1e-2. That exception is
/// named here, with its reason, not read from meta.json: a flag the fixture script writes must
/// never loosen a bound, so any other architecture whose fixture came out near a decision fails
/// (FragileInputs_OnlyTheNamedArchitectures) instead of silently getting 1e-2. The README states
/// the exception next to the "gradients &lt; 1e-3" claim.
/// </summary>
public sealed class ModelFixtureTests(ITestOutputHelper output)
{
    private const double ForwardBound = 1e-4;
    private const double GradientBound = 1e-3;
    private const double FragileInputGradientBound = 1e-2;

    /// <summary>Architectures whose input gradients get FragileInputGradientBound, and why.</summary>
    private static readonly Dictionary<string, string> FragileInputArchitectures = new(StringComparer.Ordinal)
    {
        ["vgg16"] = "224x224 (its AdaptiveAvgPool2d(7) exports only there) puts ~15M ReLU/MaxPool units before pooling; "
            + "every input drawn had a decision within a 1e-6 relative nudge, moving input gradients 1.5e-3 to 7e-3",
    };

    private static readonly string[] Arches =
    [
        "resnet18", "resnet18_view", "resnet50", "vgg16", "densenet121", "mobilenet_v2",
        "mobilenet_v3_small", "efficientnet_b0", "convnext_tiny", "convnext_tiny_op13",
    ];

    public static TheoryData<string> Architectures => new(Arches);

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Run_Fixture_LogitsMatchPyTorch(string arch)
    {
        var run = ModelRun.For(arch);
        AssertClose(run, "logits", run.Logits, ForwardBound);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Run_Fixture_ObservedActivationMatchesPyTorch(string arch)
    {
        var run = ModelRun.For(arch);
        AssertClose(run, "activation", run.Activation, ForwardBound);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Backward_OneClass_ActivationGradientMatchesPyTorch(string arch)
    {
        var run = ModelRun.For(arch);
        AssertClose(run, "grad_activation", run.GradActivation, GradientBound);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Backward_OneClass_InputGradientMatchesPyTorch(string arch)
    {
        var run = ModelRun.For(arch);
        AssertClose(run, "grad_input", run.GradInput, InputGradientBound(run));
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Backward_ThreeClassesInOneSeed_ActivationGradientsMatchPyTorch(string arch)
    {
        var run = ModelRun.For(arch);
        AssertRowsClose(run, "grad_activation_batch", run.GradActivationBatch, GradientBound);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Backward_ThreeClassesInOneSeed_InputGradientsMatchPyTorch(string arch)
    {
        var run = ModelRun.For(arch);
        AssertRowsClose(run, "grad_input_batch", run.GradInputBatch, InputGradientBound(run));
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Backward_Guided_InputGradientMatchesPyTorch(string arch)
    {
        var run = ModelRun.For(arch);
        AssertClose(run, "guided_grad_input", run.GuidedGradInput, InputGradientBound(run));
    }

    // vgg16 is left out: its fixture observes features[29] (the last ReLU), while "the last 4-D
    // activation before pooling" may as well be the MaxPool after it; both are defensible.
    public static TheoryData<string> DefaultTargetArchitectures =>
        new(Arches.Where(a => a != "vgg16"));

    [Theory]
    [MemberData(nameof(DefaultTargetArchitectures))]
    public void DefaultTargetLayer_Fixture_IsTheLastSpatialActivation(string arch)
    {
        var fixture = EngineFixture.Load(arch);
        var shapes = new Dictionary<string, int[]> { [fixture.InputName] = fixture.Reference("input").Shape };
        var session = new Session(OnnxModel.Load(fixture.ModelPath), new SessionOptions { InputShapes = shapes });

        Assert.Equal(fixture.ActivationName, session.DefaultTargetLayer());
    }

    private void AssertClose(ModelRun run, string name, Tensor actual, double bound)
    {
        var expected = run.Fixture.Reference(name);
        Assert.Equal(expected.Shape, actual.Shape);
        double error = RelativeError.L2(actual.Floats, expected.Floats);
        output.WriteLine($"{run.Fixture.Arch} {name}: relative L2 {error:E2} (bound {bound:E0}; PyTorch float32: {run.Fixture.TorchFloat32Error(name):E1})");
        Assert.True(error < bound, $"{run.Fixture.Arch} {name}: relative L2 error {error:E3} ≥ {bound:E0}");
    }

    private static double InputGradientBound(ModelRun run) =>
        FragileInputArchitectures.ContainsKey(run.Fixture.Arch) ? FragileInputGradientBound : GradientBound;

    [Theory]
    [MemberData(nameof(Architectures))]
    public void FragileInputs_OnlyTheNamedArchitectures(string arch)
    {
        // The fixture's own decision check must agree with the list above: an architecture not
        // named there must have an input away from decisions (else its 1e-3 bound is unfair and the
        // fixture, not the bound, must change), and a named one must still need the exception.
        var fixture = EngineFixture.Load(arch);
        bool named = FragileInputArchitectures.TryGetValue(arch, out string? reason);
        output.WriteLine($"{arch}: input away from decisions {fixture.InputAwayFromDecisions}; exception: {reason ?? "none"}");
        Assert.True(fixture.InputAwayFromDecisions != named,
            named ? $"{arch}: its fixture input is now away from decisions: drop it from FragileInputArchitectures (and the README exception)"
                  : $"{arch}: its fixture input is near a ReLU/MaxPool decision (meta.json decision_check); fix the fixture, do not loosen the bound");
    }

    private void AssertRowsClose(ModelRun run, string name, Tensor actual, double bound)
    {
        var expected = run.Fixture.Reference(name);
        Assert.Equal(expected.Shape, actual.Shape);
        var failures = new List<string>();
        for (int k = 0; k < expected.Shape[0]; k++)
        {
            double error = RelativeError.L2(RelativeError.Row(actual, k), RelativeError.Row(expected, k));
            int cls = run.Fixture.BatchClasses[k];
            output.WriteLine($"{run.Fixture.Arch} {name} class {cls}: relative L2 {error:E2} (bound {bound:E0}; PyTorch float32: {run.Fixture.TorchFloat32Error(name, k):E1})");
            if (!(error < bound))
                failures.Add($"class {cls}: {error:E3} ≥ {bound:E0}");
        }
        Assert.True(failures.Count == 0, $"{run.Fixture.Arch} {name}: {string.Join("; ", failures)}");
    }
}
