using System.Text.Json;
using Explain.Cam.Evaluation;
using Explain.Cam.Targets;
using Explain.Cam.Tests.Support;
using Xunit.Abstractions;

namespace Explain.Cam.Tests.Evaluation;

/// <summary>
/// ROAD, ARCC and pytorch-grad-cam's absolute confidence change against tests/fixtures/
/// make_metrics_fixtures.py, which re-implements pytorch-grad-cam's metric code (road.py,
/// perturbation_confidence.py, cam_mult_image.py, arcc.py) in PyTorch/NumPy with scipy's spsolve,
/// on resnet18 (seeded weights, float64), scoring the same float32 Grad-CAM map we read here.
/// </summary>
/// <remarks>
/// Tolerances. Both sides rank and threshold the same float32 map with the same percentile rule, so
/// the removed pixels are identical; what differs is the model in float32 (logits within 1e-4
/// relative of float64, ModelFixtureTests) and the imputer (conjugate gradients to a 1e-7 relative
/// residual against a direct solve). A logit change of a few units is then good to ~1e-3 absolute;
/// the bound is 2e-3 + 1e-3·|value|. ARCC's coherency correlates our Grad-CAM of map ∘ input with
/// the reference's: the maps agree to ~1e-4 (CamFixtureTests), so coherency within 1e-3.
/// The imputer's noise is 0 on both sides here (torch.randn cannot be reproduced in C#).
/// </remarks>
public sealed class MetricsReferenceTests(ITestOutputHelper output)
{
    [Fact]
    public void Metrics_GradCamMapOnResnet18_MatchPytorchGradCamMetricCode()
    {
        // Arrange
        var fixture = MetricsFixture.Require("resnet18");
        using var explainer = fixture.CreateExplainer();
        var input = fixture.Input();
        var maps = fixture.Classes.Select(c =>
        {
            var reference = fixture.Reference($"gradcam-c{c}.npy");
            return new CamMap("gradcam", $"c{c}", c, fixture.ActivationName, [], [0, 0], reference.Floats, reference.Shape);
        }).ToList();
        var explanation = new Explanation([], maps, [fixture.ActivationName], new Dictionary<string, double>());
        var options = new EvaluationOptions { RoadNoise = 0 };
        float[] Reexplain(Engine.Tensors.Tensor x, CamMap map) => explainer.Explain(x, new ExplainOptions
        {
            Methods = ["gradcam"], Layers = [fixture.ActivationName], Targets = new TargetSelection([map.Class!.Value], 0, false),
        }).Maps[0].Map;

        // Act
        var scores = Faithfulness.Score(explainer.Probe, input, explanation, options, 0, Reexplain);

        // Assert
        var problems = new List<string>();
        for (int i = 0; i < scores.Count; i++)
        {
            int c = fixture.Classes[i];
            var expected = fixture.Meta.GetProperty("scores").GetProperty(c.ToString());
            var road = expected.GetProperty("road");
            var s = scores[i];
            output.WriteLine($"c{c}: change {s.ConfidenceChange:G5} vs {Get(expected, "confidence_change"):G5}; ROAD MoRF {s.Road!.Morf:G5} vs {Get(road, "morf"):G5}, LeRF {s.Road.Lerf:G5} vs {Get(road, "lerf"):G5}, combined {s.Road.Combined:G5} vs {Get(road, "combined"):G5}; "
                + $"ARCC {s.Arcc!.Arcc:G5} vs {Get(expected.GetProperty("arcc"), "arcc"):G5} (coherency {s.Arcc.Coherency:G5} vs {Get(expected.GetProperty("arcc"), "coherency"):G5})");
            Close(problems, c, "confidence change", s.ConfidenceChange!.Value, Get(expected, "confidence_change"));
            Close(problems, c, "drop in confidence", s.DropInConfidence!.Value, Get(expected, "drop_in_confidence"));
            Assert.Equal(Get(expected, "increase_in_confidence"), s.IncreaseInConfidence!.Value);
            var morf = road.GetProperty("morf_per_percentile").EnumerateArray().Select(e => e.GetDouble()).ToList();
            var lerf = road.GetProperty("lerf_per_percentile").EnumerateArray().Select(e => e.GetDouble()).ToList();
            Assert.Equal(morf.Count, s.Road.MorfPerPercentile.Count);
            for (int p = 0; p < morf.Count; p++)
            {
                Close(problems, c, $"MoRF at {s.Road.Percentiles[p]}", s.Road.MorfPerPercentile[p], morf[p]);
                Close(problems, c, $"LeRF at {s.Road.Percentiles[p]}", s.Road.LerfPerPercentile[p], lerf[p]);
            }
            Close(problems, c, "ROAD combined", s.Road.Combined, Get(road, "combined"));
            var arcc = expected.GetProperty("arcc");
            Close(problems, c, "ARCC complexity", s.Arcc.Complexity, Get(arcc, "complexity"), 1e-5);
            Close(problems, c, "ARCC coherency", s.Arcc.Coherency, Get(arcc, "coherency"), 1e-3);
            Close(problems, c, "ARCC ROAD", s.Arcc.RoadCombined, Get(arcc, "road_combined"));
            Close(problems, c, "ARCC", s.Arcc.Arcc, Get(arcc, "arcc"));
        }
        Assert.True(problems.Count == 0, string.Join("; ", problems));
    }

    private static double Get(JsonElement e, string name) => e.GetProperty(name).GetDouble();

    private static void Close(List<string> problems, int c, string what, double actual, double expected, double? absolute = null)
    {
        double tolerance = absolute ?? 2e-3 + 1e-3 * Math.Abs(expected);
        if (!(Math.Abs(actual - expected) <= tolerance))
            problems.Add($"c{c} {what}: {actual:G6} vs {expected:G6} (tolerance {tolerance:G3})");
    }
}
