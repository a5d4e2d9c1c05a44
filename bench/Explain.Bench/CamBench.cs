using System.Globalization;
using Explain.Backends;
using Explain.Cam;
using Explain.Cam.Backends;
using Explain.Cam.Models;
using Explain.Cam.Targets;
using Explain.Engine.Tensors;

namespace Explain.Bench;

/// <summary>
/// CAM benchmark (issue 3): one Grad-CAM for the predicted class, and 4 gradient methods × the
/// top-5 classes in one call (one forward, one batched backward), batch 1, seeded random input.
/// </summary>
public static class CamBench
{
    public static readonly string[] GradientMethods = ["gradcam", "gradcam++", "xgradcam", "layercam"];

    public static int Run(string[] args)
    {
        string modelPath = Timing.Arg(args, "model", "");
        string layer = Timing.Arg(args, "layer", "");
        int threads = int.Parse(Timing.Arg(args, "threads", "2"), CultureInfo.InvariantCulture);
        int iterations = int.Parse(Timing.Arg(args, "iterations", "10"), CultureInfo.InvariantCulture);
        int size = int.Parse(Timing.Arg(args, "size", "224"), CultureInfo.InvariantCulture);

        var backend = BackendOptions.Parse(Timing.Arg(args, "backend", "managed"), Timing.Arg(args, "device", "cpu"), threads);
        var card = new ModelCard { Name = Path.GetFileNameWithoutExtension(modelPath), OnnxPath = modelPath };
        using var explainer = new Explainer(ExecutionBackends.Open(backend, card), card);
        var random = new Random(0);
        var input = Tensor.FromArray(Enumerable.Range(0, 3 * size * size).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray(), 1, 3, size, size);

        var one = new ExplainOptions { Methods = ["gradcam"], Layers = [layer], Targets = TargetSelection.Predicted };
        var (gradcam, _) = Timing.Measure(() => explainer.Explain(input, one), 2, iterations);
        var many = new ExplainOptions { Methods = GradientMethods, Layers = [layer], Targets = new TargetSelection([], 5, false) };
        var (multi, _) = Timing.Measure(() => explainer.Explain(input, many), 2, iterations);

        double Once(string method, int channels = 0) => Timing.Measure(() => explainer.Explain(input, new ExplainOptions
        {
            Methods = [method], Layers = [layer], Targets = TargetSelection.Predicted, ScoreCamChannels = channels,
        }), 1, 1).MedianMs;
        bool heavy = Timing.Arg(args, "heavy", "yes") == "yes";
        double ablation = heavy ? Once("ablationcam") : double.NaN;
        double score = heavy ? Once("scorecam") : double.NaN;
        double fasterScore = Once("scorecam", 64);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"impl\":\"{(backend.Kind == BackendKind.Managed ? "explain" : "explain-ort")}\",\"threads\":{threads},\"gradcam_ms\":{gradcam:F2},\"four_methods_top5_ms\":{multi:F2},\"ablationcam_ms\":{ablation:F1},\"scorecam_ms\":{score:F1},\"scorecam_top64_ms\":{fasterScore:F1},\"peak_rss_mib\":{Timing.PeakRssMiB():F0}}}"));
        return 0;
    }
}
