using Explain.Cam.Backends;
using Explain.Cam.Targets;
using Explain.Cam.Tests.Support;
using Xunit.Abstractions;

namespace Explain.Cam.Tests.Fixtures;

/// <summary>
/// Every method × every fixture architecture against the PyTorch/NumPy references of
/// tests/fixtures/make_cam_fixtures.py (issue 3, "How it is checked"). The lists are fixed here: a
/// method or architecture that goes missing fails, it does not shrink the test. Every case runs on
/// every backend that ships (issue 11: ONNX Runtime with compiled gradient graphs, the managed engine).
/// </summary>
public sealed class CamFixtureTests(ITestOutputHelper output)
{
    public static readonly string[] Architectures =
    [
        "resnet18", "resnet18_view", "resnet50", "vgg16", "densenet121",
        "mobilenet_v2", "mobilenet_v3_small", "efficientnet_b0", "convnext_tiny", "convnext_tiny_op13",
    ];

    public static readonly string[] Methods =
    [
        "gradcam", "gradcam++", "xgradcam", "hirescam", "gradcam-elementwise", "layercam",
        "eigencam", "eigengradcam", "guided-backprop", "guided-gradcam",
    ];

    /// <summary>The architectures the fixture script runs Score-CAM and Ablation-CAM on (PERTURBATION_ARCHS).</summary>
    public static readonly string[] PerturbationArchitectures = ["resnet18", "mobilenet_v3_small"];

    public static readonly BackendKind[] Backends = [BackendKind.OnnxRuntime, BackendKind.Managed];

    public static TheoryData<string, string, BackendKind> SupportedCases() => Cases(Methods.Select(m => (m, Architectures)));

    /// <summary>Methods the lead is adding (issue 3); these cases fail until they are registered.</summary>
    public static TheoryData<string, string, BackendKind> PendingCases() => Cases(
    [
        ("integrated-gradcam", Architectures),
        ("scorecam", PerturbationArchitectures),
        ("ablationcam", PerturbationArchitectures),
    ]);

    [Theory]
    [MemberData(nameof(SupportedCases))]
    public void Explain_MethodOnArchitecture_MatchesPyTorchReference(string method, string arch, BackendKind backend) => CheckAgainstReference(method, arch, backend);

    [Theory]
    [MemberData(nameof(PendingCases))]
    public void Explain_PendingMethodOnArchitecture_MatchesPyTorchReference(string method, string arch, BackendKind backend) => CheckAgainstReference(method, arch, backend);

    private void CheckAgainstReference(string method, string arch, BackendKind backend)
    {
        // Arrange
        var fixture = CamFixture.Require(arch);
        // Grad-CAM also runs the batch classes (some with an all-negative map), all in one call.
        var classes = method == "gradcam" ? fixture.Classes.Concat(fixture.BatchClasses).Distinct().ToList() : fixture.Classes.ToList();
        var options = new ExplainOptions { Methods = [method], Layers = [fixture.ActivationName], Targets = new TargetSelection(classes, 0, false) };

        // Act
        using var explainer = fixture.CreateExplainer(backend);
        var explanation = explainer.Explain(fixture.Input(), options);

        // Assert
        var problems = new List<string>();
        foreach (int c in classes)
        {
            var maps = explanation.Maps.Where(m => m.Method == method && m.Class == c).ToList();
            if (maps.Count != 1)
            {
                problems.Add($"c{c}: {maps.Count} maps");
                continue;
            }
            var comparison = method switch
            {
                "guided-backprop" => ReferenceComparison.GuidedBackprop(fixture, maps[0]),
                "guided-gradcam" => ReferenceComparison.GuidedGradCam(fixture, maps[0]),
                _ => ReferenceComparison.HeatMap(fixture, maps[0], signFree: method is "eigencam" or "eigengradcam"),
            };
            output.WriteLine($"{arch} {method} {backend} c{c}: raw rel L2 {comparison.RawError:G3}, normalized max |Δ| {comparison.NormalizedError:G3} (tolerance {comparison.NormalizedTolerance:G3})");
            problems.AddRange(comparison.Problems.Select(p => $"c{c}: {p}"));
        }
        Assert.True(problems.Count == 0, $"{arch} {method} on {backend}: {string.Join("; ", problems)}");
    }

    private static TheoryData<string, string, BackendKind> Cases(IEnumerable<(string Method, string[] Architectures)> methods)
    {
        var data = new TheoryData<string, string, BackendKind>();
        foreach (var (method, architectures) in methods)
            foreach (var arch in architectures)
                foreach (var backend in Backends)
                    data.Add(method, arch, backend);
        return data;
    }
}
