using System.Globalization;
using Explain.Backends;
using Explain.Cam;
using Explain.Cam.Backends;
using Explain.Cam.Models;
using Explain.Cam.Targets;
using Explain.Engine.Tensors;

namespace Explain.Bench;

/// <summary>
/// CAM benchmark (issue 3, issue 16): one Grad-CAM for the predicted class; 4 gradient methods ×
/// the top-5 classes in one call (one forward, one batched backward); Ablation-CAM (suffix re-runs);
/// Faster Score-CAM (top 64 channels) and Score-CAM. The input is bench/out/input.npy, the file the
/// PyTorch side reads too; warm-ups and iteration counts are the same as pytorch_reference.py's.
/// </summary>
public static class CamBench
{
    public static readonly string[] GradientMethods = ["gradcam", "gradcam++", "xgradcam", "layercam"];

    public static int Run(string[] args)
    {
        string layer = Timing.Arg(args, "layer", "");
        int iterations = int.Parse(Timing.Arg(args, "iterations", "10"), CultureInfo.InvariantCulture);
        string maps = Timing.Arg(args, "maps", "");
        bool heavy = Timing.Arg(args, "heavy", "yes") == "yes";
        int few = Math.Max(3, iterations / 3);

        var (explainer, backend, threads) = Timing.OpenExplainer(args, "managed");
        using var _ = explainer;
        var input = Timing.Input(args);
        Timing.Trace("loaded");

        var one = new ExplainOptions { Methods = ["gradcam"], Layers = [layer], Targets = TargetSelection.Predicted };
        var (gradcam, _) = Timing.Measure(() => explainer.Explain(input, one), 2, iterations);
        var many = new ExplainOptions { Methods = GradientMethods, Layers = [layer], Targets = new TargetSelection([], 5, false) };
        Timing.Trace("gradcam");
        var (multi, _) = Timing.Measure(() => explainer.Explain(input, many), 1, few);
        Timing.Trace("many");
        if (maps.Length > 0)
            WriteMaps(maps, explainer.Explain(input, one), explainer.Explain(input, many));

        ExplainOptions Method(string method, int channels = 0) => new()
        {
            Methods = [method], Layers = [layer], Targets = TargetSelection.Predicted, ScoreCamChannels = channels,
        };
        double ablation = Timing.Measure(() => explainer.Explain(input, Method("ablationcam")), 1, 3).MedianMs;
        Timing.Trace("ablation");
        double fasterScore = Timing.Measure(() => explainer.Explain(input, Method("scorecam", 64)), 1, 3).MedianMs;
        // Minutes: one run, no warm-up beyond the runs above, as on the PyTorch side.
        Timing.Trace("fasterscore");
        double score = heavy ? Timing.Measure(() => explainer.Explain(input, Method("scorecam")), 0, 1).MedianMs : double.NaN;

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"impl\":\"{Timing.Impl(backend)}\",\"threads\":{threads},\"gradcam_ms\":{gradcam:F2},\"four_methods_top5_ms\":{multi:F2},\"ablationcam_ms\":{ablation:F1},\"scorecam_ms\":{score:F1},\"scorecam_top64_ms\":{fasterScore:F1},\"peak_rss_mib\":{Timing.PeakRssMiB():F0}}}"));
        return 0;
    }

    /// <summary>The top-1 Grad-CAM and the top-5 classes, for report.py's check that both sides explained the same thing.</summary>
    private static void WriteMaps(string dir, Explanation one, Explanation many)
    {
        Directory.CreateDirectory(dir);
        var map = one.Maps[0];
        Npy.Write(Path.Combine(dir, "explain-gradcam.npy"), Tensor.FromArray(map.Map, map.MapShape));
        var top5 = many.Maps.Where(m => m.Method == "gradcam").Select(m => m.Class!.Value);
        File.WriteAllText(Path.Combine(dir, "explain-top5.json"), "[" + string.Join(", ", top5) + "]");
    }
}
