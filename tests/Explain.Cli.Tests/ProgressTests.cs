using Explain.Cam;
using Explain.Cam.Inputs;
using Explain.Cam.Models;
using Explain.Cli.Tests.Support;
using Explain.Engine.Onnx;
using Explain.Imaging.Preprocessing;

namespace Explain.Cli.Tests;

/// <summary>The Cam library's progress callback: stages in order, Score-CAM batches counted up to the channel count.</summary>
public sealed class ProgressTests
{
    private sealed class Recorder : IProgress<ExplainProgress>
    {
        public List<ExplainProgress> Reports { get; } = [];

        public void Report(ExplainProgress value) => Reports.Add(value);
    }

    [Fact]
    public void Explain_ScoreCamAndGradCam_ReportsStagesAndEveryBatch()
    {
        var card = new ModelStore(RepoPaths.ModelStore).Resolve("resnet8_cifar10");
        using var explainer = new Explainer(new Explain.Backends.Managed.ManagedBackend(OnnxModel.Load(card.OnnxPath), 1), card);
        var input = ExplainInput.FromImage("both.png", File.ReadAllBytes(RepoPaths.Image("both.png")), PreprocessSpec.FromModelJson(card.Json!.Value));
        var recorder = new Recorder();

        explainer.Explain(input.Tensor, new ExplainOptions { Methods = ["gradcam", "scorecam"], Progress = recorder });

        var stages = recorder.Reports.Select(r => r.Stage).Distinct().ToList();
        Assert.Equal(["forward", "backward", "gradcam", "scorecam"], stages);
        var batches = recorder.Reports.Where(r => r.Stage == "scorecam" && r.Total > 1).ToList();
        Assert.True(batches.Count > 1, $"{batches.Count} batch reports");
        Assert.Equal(batches.Select(b => b.Done).Order(), batches.Select(b => b.Done));
        Assert.Equal(batches[0].Total, batches[^1].Done);
        int chunk = batches[0].Done; // one report per model batch: every count is a multiple of the batch size, but the last
        Assert.All(batches, b => Assert.True(b.Done % chunk == 0 || b.Done == b.Total, $"{b.Done}/{b.Total}"));
    }
}
