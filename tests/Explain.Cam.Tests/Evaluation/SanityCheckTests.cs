using System.Text.Json;
using Explain.Backends.Managed;
using Explain.Backends.OnnxRuntime;
using Explain.Cam.Backends;
using Explain.Cam.Evaluation;
using Explain.Cam.Models;
using Explain.Cam.Targets;
using Explain.Cam.Tests.Support;
using Explain.Engine.Onnx;
using Xunit.Abstractions;

namespace Explain.Cam.Tests.Evaluation;

/// <summary>
/// The model-parameter randomization sanity check (Adebayo et al. 2018) on the resnet18 engine
/// fixture: Grad-CAM's map must change when the classifier head is re-drawn (its weights α_k are
/// the head's), Sobel's (which reads only the input) must not change at all.
/// </summary>
public sealed class SanityCheckTests(ITestOutputHelper output)
{
    private static string Dir => Path.Combine(RepoPaths.EngineFixtures, "resnet18");

    [Theory]
    [InlineData(BackendKind.OnnxRuntime, 1)]
    [InlineData(BackendKind.Managed, 1)]
    [InlineData(BackendKind.OnnxRuntime, 1000)]
    public void Metrics_SanityCheck_GradCamChangesSobelDoesNot(BackendKind backend, int layers)
    {
        var scores = Scores(backend, layers, seed: 3);

        var gradcam = scores.Single(s => s.Method == "gradcam").SanityCheck!;
        var sobel = scores.Single(s => s.Method == "sobel").SanityCheck!;
        output.WriteLine($"{backend}, {layers} layers: gradcam spearman {gradcam.Spearman:F4} pearson {gradcam.Pearson:F4}; sobel {sobel.Spearman} {sobel.Pearson}");
        Assert.Equal(1f, sobel.Spearman);
        Assert.Equal(1f, sobel.Pearson);
        Assert.True(gradcam.Spearman < 0.5f, $"gradcam Spearman {gradcam.Spearman}");
        Assert.True(gradcam.Pearson < 0.5f, $"gradcam Pearson {gradcam.Pearson}");
        int all = OnnxModel.Load(Path.Combine(Dir, "model.onnx")).Nodes.Count(n => n.OpType is "Conv" or "Gemm" or "MatMul");
        Assert.Equal(Math.Min(layers, all), gradcam.RandomizedLayers);
    }

    [Fact]
    public void Metrics_SanityCheck_SameSeedSameScores()
    {
        var first = Scores(BackendKind.OnnxRuntime, 1, seed: 9).Select(s => s.SanityCheck).ToList();
        var again = Scores(BackendKind.OnnxRuntime, 1, seed: 9).Select(s => s.SanityCheck).ToList();

        Assert.Equal(first, again);
    }

    [Fact]
    public void Metrics_WithoutSanityCheck_HasNone()
    {
        using var explainer = CreateExplainer(BackendKind.OnnxRuntime);

        var explanation = explainer.Explain(Input(), Options(sanity: false, layers: 1, seed: 0));

        Assert.All(explanation.Metrics!, s => Assert.Null(s.SanityCheck));
    }

    [Fact]
    public void Draw_TopLayers_ReplacesOnlyTheirParametersWithSameShapes()
    {
        var model = OnnxModel.Load(Path.Combine(Dir, "model.onnx"));
        var head = model.Nodes.Last(n => n.OpType == "Gemm");

        var (replaced, layers) = ParameterRandomization.Draw(model, 1, seed: 1);
        var (all, count) = ParameterRandomization.Draw(model, 1000, seed: 1);

        Assert.Equal(1, layers);
        Assert.Equal(head.Inputs.Skip(1).Take(2).Where(model.Initializers.ContainsKey).Order(), replaced.Keys.Order());
        Assert.All(replaced, r => Assert.Equal(model.Initializers[r.Key].Shape, r.Value.Shape));
        Assert.NotEqual(model.Initializers[head.Inputs[1]].Floats, replaced[head.Inputs[1]].Floats);
        Assert.Equal(model.Nodes.Count(n => n.OpType is "Conv" or "Gemm"), count);
        Assert.True(all.Count > replaced.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public void Validate_SanityCheckLayersOutOfRange_NamesTheField(int layers)
    {
        var e = Assert.Throws<ArgumentException>(() => new EvaluationOptions { SanityCheckLayers = layers }.Validate());

        Assert.StartsWith("sanity_check_layers:", e.Message);
    }

    private static IReadOnlyList<FaithfulnessScores> Scores(BackendKind backend, int layers, ulong seed)
    {
        using var explainer = CreateExplainer(backend);
        return explainer.Explain(Input(), Options(sanity: true, layers, seed)).Metrics!;
    }

    private static ExplainOptions Options(bool sanity, int layers, ulong seed) => new()
    {
        Methods = ["gradcam", "sobel"],
        Targets = new TargetSelection([ClassOf()], 0, false),
        Metrics = true,
        Seed = seed,
        Evaluation = new EvaluationOptions { Arcc = false, RoadPercentiles = [50], SanityCheck = sanity, SanityCheckLayers = layers },
    };

    private static Engine.Tensors.Tensor Input() => Engine.Tensors.Npy.Read(Path.Combine(Dir, "input.npy"));

    private static int ClassOf()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "meta.json")));
        return doc.RootElement.GetProperty("class").GetInt32();
    }

    private static Explainer CreateExplainer(BackendKind backend)
    {
        string onnx = Path.Combine(Dir, "model.onnx");
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "meta.json")));
        string output = doc.RootElement.GetProperty("output_name").GetString()!;
        return new(backend == BackendKind.Managed ? new ManagedBackend(OnnxModel.Load(onnx), threads: 2) : OrtBackend.Load(onnx, threads: 2),
            new ModelCard { Name = "resnet18", OnnxPath = onnx, ScoresOutput = output });
    }
}
