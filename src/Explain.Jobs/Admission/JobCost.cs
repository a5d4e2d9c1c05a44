using Explain.Cam;
using Explain.Cam.Perturbation;
using Explain.V1;

namespace Explain.Jobs.Admission;

/// <summary>
/// The estimated cost of a request in GFLOP: the passes its methods, targets, layers and metrics
/// make, each weighed by what it runs of the model (<see cref="ModelCost"/>). With F the FLOPs of
/// one forward pass, K the targets (distinct classes, else top_k, at least 1), for each target
/// layer l its channels C_l and S_l the FLOPs of the graph after it, and pad(n) = n rounded up to
/// the probe's batch of 16 (perturbation batches run padded):
/// <list type="bullet">
/// <item>the shared forward pass: F; the shared backward pass (any gradient method, Group-CAM,
/// guided Grad-CAM, RefineCAM, dff for its textual explanation): K × max_l S_l, 2K × max_l S_l with FinerCAM (its contrastive seed
/// rows ride the same pass); guided backpropagation (to the input): K × F; KPCA-CAM, FEM: the
/// forward pass only; dff's factorization itself runs no pass (its k × C·h·w × sweeps arithmetic
/// is bounded by dff_concepts ≤ 32 and dff_iterations ≤ 1000);</item>
/// <item>per layer: Score-CAM pad(C_l) × F; Ablation-CAM (pad(1) + pad(C_l)) × S_l; Integrated
/// Grad-CAM 16 × F + 16 K × S_l; Group-CAM pad(1) × F + K × pad(min(32, C_l)) × F;</item>
/// <item>per layer, with C'_l = min(C_l, score_channels) when score_channels is set: Score-CAM
/// pad(C'_l) × F; SS-CAM pad(n_ss C'_l) × F; IS-CAM pad(n_is C'_l) × F; Smooth Grad-CAM++
/// n_sg × F + K n_sg × S_l (its noisy forward and backward passes);</item>
/// <item>once: occlusion pad(windows) × F, windows from the model's input size (at most 16384 when
/// unknown); RISE pad(masks) × F;</item>
/// <item>metrics: pad(1) × F + maps × (pad(1) + 2 pad(17)) × F, maps = methods × K; with
/// parameters.sanity_check, once more everything above the metrics (the explanation on the
/// randomized copy).</item>
/// <item>a similarity to a second picture (GAM's pair, <see cref="Explainer.ExplainPair"/>): 2F for the two
/// embeddings, plus the reference picture's explanation, costed as this request with one similarity target and
/// no metrics.</item>
/// </list>
/// Decoding, rendering and encoding are not counted: they are bounded by the image limits and the
/// number of maps.
/// </summary>
public static class JobCost
{
    /// <summary>Rows per perturbation batch (<see cref="ModelProbe"/>'s default chunk).</summary>
    internal const int Batch = 16;

    /// <summary>Points of the deletion and insertion curves (Faithfulness: 16 steps, 17 points).</summary>
    private const int CurvePoints = 17;

    /// <summary>Estimated GFLOP of <paramref name="request"/> on the model.</summary>
    /// <param name="layers">The target layers the job will use (the model's default when the request names none).</param>
    public static double Gflop(ExplainRequest request, IReadOnlyList<string> layers, ModelCost model)
    {
        // A batch costs what its images cost explained one at a time: one forward and one backward pass for the batch
        // do the same arithmetic as one per image, and every other pass is per image.
        if (request.Images.Count > 0)
            return Enumerable.Range(0, request.Images.Count).Sum(i => Gflop(OneImage(request, i), layers, model));
        var methods = request.Methods.Count > 0 ? request.Methods.ToList() : ["gradcam"];
        var targets = request.Targets;
        int k = targets is { Items.Count: > 0 } ? targets.Items.Count : targets is { Classes.Count: > 0 } ? targets.Classes.Count : Math.Max(1, targets?.TopK ?? 0);
        double f = model.ForwardFlops;
        double deepest = layers.Max(model.SuffixFlops);
        bool guided = methods.Any(m => m is CamRegistry.GuidedBackprop or CamRegistry.GuidedGradCam);
        bool gradients = methods.Any(m => m == CamRegistry.GuidedGradCam || m == "groupcam" || m == "refinecam" || m == "finercam" || m == CamRegistry.Dff || (CamRegistry.IsKnownCam(m) && CamRegistry.Create(m).NeedsGradients));
        // FinerCAM's contrastive seeds are K more rows of the same backward pass.
        int rows = methods.Contains("finercam") ? 2 * k : k;

        double flops = f + (gradients ? rows * deepest : 0) + (guided ? k * f : 0);
        var perturbation = Worker.PerturbationParametersMapper.From(request.Options?.Parameters);
        int limit = Worker.PerturbationParametersMapper.ScoreChannels(request.Options?.Parameters);
        foreach (var layer in layers)
        {
            int all = model.Channels(layer), c = limit > 0 ? Math.Min(all, limit) : all;
            double suffix = model.SuffixFlops(layer);
            foreach (var method in methods)
            {
                flops += method switch
                {
                    "scorecam" => Pad(c) * f,
                    "ablationcam" => (Pad(1) + Pad(all)) * suffix,
                    "sscam" => Pad(perturbation.SsCamSamples * c) * f,
                    "iscam" => Pad(perturbation.IsCamSamples * c) * f,
                    "smoothgradcam++" => perturbation.SmoothGradCamPlusPlusSamples * (f + k * suffix),
                    "integrated-gradcam" => IntegratedGradCam.Steps * (f + k * suffix),
                    "groupcam" => Pad(1) * f + k * Pad(Math.Min(GroupCam.Groups, all)) * f,
                    _ => 0,
                };
            }
        }
        if (methods.Contains(Occlusion.Name))
            flops += Pad(model.InputSize is var (h, w) ? perturbation.OcclusionPositions(h) * perturbation.OcclusionPositions(w) : PerturbationParameters.MaxOcclusionWindows) * f;
        if (methods.Contains("rise"))
            flops += Pad(perturbation.RiseMasks) * f;
        if (request.Options?.Metrics == true)
        {
            // The sanity check explains every method once more, on the randomized copy.
            double explanation = flops;
            flops += Pad(1) * f + methods.Count * k * (Pad(1) + 2 * Pad(CurvePoints)) * f;
            if (request.Options.Parameters?.SanityCheck == true)
                flops += explanation;
        }
        if (targets?.Items.Any(t => t.Kind == TargetKind.Similarity && !t.ReferenceImage.IsEmpty) == true)
            flops += 2 * f + 1e9 * Gflop(ReferenceHalf(request), layers, model);
        return flops / 1e9;
    }

    /// <summary>Image <paramref name="i"/> of a batch as a job of its own, with its own targets (what the cost reads: methods, targets, options; no image bytes copied).</summary>
    private static ExplainRequest OneImage(ExplainRequest request, int i) => new()
    {
        Model = request.Model,
        Methods = { request.Methods },
        Layers = { request.Layers },
        Options = request.Options,
        Targets = request.ImageTargets.Count > 0 ? request.ImageTargets[i] : request.Targets,
    };

    /// <summary>The explanation of a pair's reference picture: the same methods and parameters, one similarity target, no metrics.</summary>
    private static ExplainRequest ReferenceHalf(ExplainRequest request)
    {
        var half = request.Clone();
        half.Targets = new Targets { Items = { new Target { Kind = TargetKind.Similarity } } };
        if (half.Options is { } options)
            options.Metrics = false;
        return half;
    }

    private static double Pad(int rows) => (rows + Batch - 1) / Batch * Batch;
}
