using Explain.Cam.Backends;
using Explain.Cam.Perturbation;
using Explain.Cam.Targets;
using Explain.Cam.Tests.Support;
using Xunit.Abstractions;

namespace Explain.Cam.Tests.Fixtures;

/// <summary>
/// `--compat pytorch-grad-cam` against tests/fixtures/make_metrics_fixtures.py, which reproduces the
/// library's code paths in PyTorch (guided_backprop.py swaps only torch.nn.ReLU modules;
/// ablation_layer.py writes min(A) − (i + 1)·1e7), on both backends. Tolerances as
/// ReferenceComparison's: raw relative L2 1e-3 for the input gradient, 5e-3 for Ablation-CAM.
/// </summary>
public sealed class CompatReferenceTests(ITestOutputHelper output)
{
    public static TheoryData<BackendKind> Backends() => new(CamFixtureTests.Backends);

    [Theory]
    [MemberData(nameof(Backends))]
    public void GuidedBackprop_CompatOnMobileNetV2_IsTheLibrarysUnguidedReLU6Gradient(BackendKind backend)
    {
        // Arrange: MobileNetV2 has ReLU6 (ONNX Clip(0, 6)) only, which the library leaves unguided.
        var fixture = MetricsFixture.Require("mobilenet_v2");
        using var explainer = fixture.CreateExplainer(backend);
        var options = new ExplainOptions { Methods = ["guided-backprop"], Layers = [fixture.ActivationName], Targets = new TargetSelection(fixture.Classes, 0, false) };

        // Act
        var compat = explainer.Explain(fixture.Input(), options with { Compat = CompatMode.PytorchGradCam });
        var papers = explainer.Explain(fixture.Input(), options);

        // Assert
        foreach (int c in fixture.Classes)
        {
            var reference = fixture.Reference($"compat-guided-backprop-c{c}.raw.npy");
            double error = MapError.RelativeL2(compat.Maps.Single(m => m.Class == c).Raw, reference.Floats);
            double papersError = MapError.RelativeL2(papers.Maps.Single(m => m.Class == c).Raw, reference.Floats);
            output.WriteLine($"{backend} c{c}: compat vs library {error:G3}; papers (ReLU6 guided) vs library {papersError:G3}");
            Assert.True(error < 1e-3, $"c{c}: compat guided backprop is {error:G3} from the library's");
            Assert.True(papersError > 1e-2, $"c{c}: the papers' guided map should differ from the library's ({papersError:G3})");
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void AblationCam_CompatOnNegativeActivations_MatchesLibrarysAblationValue(BackendKind backend)
    {
        // Arrange: mobilenet_v3_small's last features end in Hardswish, so min(A) < 0.
        var fixture = MetricsFixture.Require("mobilenet_v3_small");
        Assert.True(fixture.Meta.GetProperty("activation_min").GetDouble() < 0);
        using var explainer = fixture.CreateExplainer(backend);
        var options = new ExplainOptions
        {
            Methods = ["ablationcam"], Layers = [fixture.ActivationName], Targets = new TargetSelection(fixture.Classes, 0, false), Compat = CompatMode.PytorchGradCam,
        };

        // Act
        var explanation = explainer.Explain(fixture.Input(), options);
        var papers = explainer.Explain(fixture.Input(), options with { Compat = CompatMode.Papers });

        // Assert: the ablated logits are ~1e7 away from the others, so (y − y_k)/y has no
        // cancellation here: measured raw 5e-7 and normalized 1.1e-4 on both backends; bounds 1e-3.
        foreach (int c in fixture.Classes)
        {
            var map = explanation.Maps.Single(m => m.Class == c);
            var reference = fixture.Reference($"compat-ablationcam-c{c}.raw.npy").Floats;
            double raw = MapError.RelativeL2(map.Raw, reference);
            double normalized = MapError.MaxAbs(map.Map, fixture.Reference($"compat-ablationcam-c{c}.npy").Floats);
            double papersRaw = MapError.RelativeL2(papers.Maps.Single(m => m.Class == c).Raw, reference);
            output.WriteLine($"{backend} c{c}: raw rel L2 {raw:G3}, normalized max |Δ| {normalized:G3}; papers (ablate to 0) vs library {papersRaw:G3}");
            Assert.True(raw < 1e-3, $"c{c}: raw {raw:G3}");
            Assert.True(normalized < 1e-3, $"c{c}: normalized {normalized:G3}");
            Assert.True(papersRaw > 1e-2, $"c{c}: ablating to 0 should give another map than the library's ({papersRaw:G3})");
        }
    }

    [Fact]
    public void AblationValue_Compat_CountsRowsWithinTheLibrarysBatch()
    {
        Assert.Equal(0f, AblationCam.AblationValue(5, -0.375f, CompatMode.Papers));
        Assert.Equal(0f, AblationCam.AblationValue(5, 0f, CompatMode.PytorchGradCam));
        Assert.Equal(-0.375f - 1e7f, AblationCam.AblationValue(0, -0.375f, CompatMode.PytorchGradCam));
        Assert.Equal(-0.375f - 1e7f - 1e7f - 1e7f, AblationCam.AblationValue(2, -0.375f, CompatMode.PytorchGradCam));
        // Row 32 starts the library's next batch: the count restarts.
        Assert.Equal(AblationCam.AblationValue(0, 2.5f, CompatMode.PytorchGradCam), AblationCam.AblationValue(AblationCam.LibraryBatch, 2.5f, CompatMode.PytorchGradCam));
    }
}
