using System.Globalization;
using Explain.Backends;
using Explain.Cam;
using Explain.Cam.Backends;
using Explain.Cam.Models;
using Explain.Cam.Targets;
using Explain.Engine.Tensors;

namespace Explain.Bench;

/// <summary>
/// Batch benchmark (issue 14 part 3): 8 images (bench/out/batch.npy, the file the PyTorch side reads) with
/// 8 different targets (image i explains the class ranked i-th on it), Grad-CAM at the layer: one
/// <see cref="Explainer.ExplainBatch"/> call (one forward, one backward for all eight) against 8 separate
/// <see cref="Explainer.Explain"/> calls. Warm-ups and iterations as pytorch_reference.py's `batch`.
/// </summary>
public static class BatchBench
{
    public static int Run(string[] args)
    {
        string layer = Timing.Arg(args, "layer", "");
        int iterations = int.Parse(Timing.Arg(args, "iterations", "5"), CultureInfo.InvariantCulture);
        string maps = Timing.Arg(args, "maps", "");
        var (explainer, backend, threads) = Timing.OpenExplainer(args, "ort");
        using var _ = explainer;

        var batch = Npy.Read(Timing.Arg(args, "batch", ""));
        if (batch.Rank != 4 || batch.Shape[0] != 8)
            throw new ArgumentException($"--batch: shape [{string.Join(", ", batch.Shape)}], expected [8, 3, H, W]");
        int size = batch.Floats.Length / 8;
        var images = Enumerable.Range(0, 8).Select(i => Tensor.FromArray(batch.Floats.AsSpan(i * size, size).ToArray(), [1, .. batch.Shape[1..]])).ToList();
        // Image i: the class of rank i on it, from one forward of each image alone (not timed).
        var classes = images.Select((image, i) =>
        {
            var scores = explainer.Backend.Forward(image, PassRequest.Outputs).Outputs[explainer.ScoresOutput].Floats;
            return Enumerable.Range(0, scores.Length).OrderByDescending(c => scores[c]).ElementAt(i);
        }).ToList();
        var targets = classes.Select(c => TargetSelection.Of([new ClassTarget(c)])).ToList();
        var options = new ExplainOptions { Methods = ["gradcam"], Layers = [layer] };

        var (batched, _) = Timing.Measure(() => explainer.ExplainBatch(images, targets, options), 2, iterations);
        var (separate, _) = Timing.Measure(() =>
        {
            for (int i = 0; i < images.Count; i++)
                explainer.Explain(images[i], options with { Targets = targets[i] });
        }, 1, iterations);
        // EXPLAIN_BATCH_TRACE: where the time goes (the batch's stages, and the forward pass per image by batch size), on stderr.
        if (Environment.GetEnvironmentVariable("EXPLAIN_BATCH_TRACE") is not null)
        {
            var b = explainer.ExplainBatch(images, targets, options);
            Console.Error.WriteLine("batch: " + string.Join(", ", b[0].TimingsMs.Select(t => $"{t.Key} {t.Value:F1}")) + " | per image: " + string.Join("; ", b.Select(e => e.TimingsMs.Where(t => t.Key is not ("forward" or "backward")).Sum(t => t.Value).ToString("F1", CultureInfo.InvariantCulture))));
            foreach (int n in new[] { 1, 2, 4, 8 })
            {
                var part = Tensor.FromArray(batch.Floats.AsSpan(0, n * size).ToArray(), [n, .. batch.Shape[1..]]);
                var (fw, _) = Timing.Measure(() => explainer.Backend.Forward(part, PassRequest.Outputs), 2, 5);
                Console.Error.WriteLine($"forward batch {n}: {fw:F1} ms, {fw / n:F1} ms per image");
            }
            for (int i = 0; i < 2; i++)
                Console.Error.WriteLine("alone: " + string.Join(", ", explainer.Explain(images[i], options with { Targets = targets[i] }).TimingsMs.Select(t => $"{t.Key} {t.Value:F1}")));
        }
        if (maps.Length > 0)
        {
            Directory.CreateDirectory(maps);
            var result = explainer.ExplainBatch(images, targets, options);
            var all = new float[result.Sum(e => e.Maps[0].Map.Length)];
            int at = 0;
            foreach (var e in result)
            {
                e.Maps[0].Map.CopyTo(all, at);
                at += e.Maps[0].Map.Length;
            }
            Npy.Write(Path.Combine(maps, "explain-batch-gradcam.npy"), Tensor.FromArray(all, [8, .. result[0].Maps[0].MapShape]));
            File.WriteAllText(Path.Combine(maps, "explain-batch-classes.json"), "[" + string.Join(", ", classes) + "]");
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"impl\":\"{Timing.Impl(backend)}\",\"threads\":{threads},\"batch_gradcam_ms\":{batched:F1},\"separate_gradcam_ms\":{separate:F1},\"peak_rss_mib\":{Timing.PeakRssMiB():F0}}}"));
        return 0;
    }
}
