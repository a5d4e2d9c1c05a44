using Explain.Cam.Backends;
using Explain.Cam.Tests.Support;
using Explain.Engine.Onnx;
using static Explain.Cam.Tests.Support.FamilyFixture;

namespace Explain.Cam.Tests.Families;

/// <summary>
/// Methods that read the model's parameters (FullGrad's biases, Deep Feature Factorization's head) on a model only ONNX
/// Runtime runs: LRASPP-MobileNetV3's bilinear Resize is an operator the managed engine lacks, so importing it fails,
/// and the ONNX Runtime backend hands those methods the described graph instead (OrtBackend.Graph).
/// </summary>
public sealed class FamilyParameterMethodTests
{
    [Fact]
    public void ParameterMethods_OnAModelTheManagedEngineCannotImport_RunOnOnnxRuntime()
    {
        var f = Require(Segmenter);
        string onnx = f.File("model.onnx");
        // The premise: the managed importer refuses the model, the description keeps Resize.
        var refused = Assert.ThrowsAny<Exception>(() => OnnxModel.Load(onnx));
        Assert.Contains("Resize", refused.Message);
        Assert.Contains(OnnxModel.Describe(onnx).UnsupportedOperators, u => u.Contains("Resize", StringComparison.Ordinal));

        using var explainer = f.Open(BackendKind.OnnxRuntime);
        var explanation = explainer.Explain(f.Input(), f.Options([f.Parse(f.Specs[0])], ["fullgrad", "dff"]));

        var fullgrad = Assert.Single(explanation.Maps, m => m.Method == "fullgrad");
        Assert.True(MapError.AllFinite(fullgrad.Map) && fullgrad.Map.Max() > fullgrad.Map.Min(), "FullGrad's map is constant or not finite");
        var concepts = explanation.Maps.Where(m => m.Method == "dff").ToList();
        Assert.NotEmpty(concepts);
        Assert.All(concepts, c => Assert.True(MapError.AllFinite(c.Map) && c.Map.Max() > c.Map.Min(), $"{c.Target} is constant or not finite"));
    }
}
