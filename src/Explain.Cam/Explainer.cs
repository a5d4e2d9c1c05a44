using System.Diagnostics;
using Explain.Cam.Backends;
using Explain.Cam.Layers;
using Explain.Cam.Methods;
using Explain.Cam.Models;
using Explain.Cam.Perturbation;
using Explain.Cam.Targets;
using Explain.Engine.Tensors;
using Explain.Engine.Errors;

namespace Explain.Cam;

/// <summary>
/// The shared work of every method, done once per image: one forward pass with the target layers
/// observed, one batched backward pass for all targets (seeds stacked), then each method's raw map
/// per target and layer, ReLU, upsampling and normalization. Guided backpropagation is one more
/// batched backward pass in guided mode; perturbation methods re-run the model through a probe.
/// Every pass goes through one <see cref="IModelBackend"/>, which the explainer owns and disposes.
/// Not thread-safe (the backend reuses sessions).
/// </summary>
public sealed partial class Explainer : IDisposable
{
    public Explainer(IModelBackend backend, ModelCard card)
    {
        Backend = backend;
        Card = card;
        ScoresOutput = card.ScoresOutput ?? backend.OutputNames[0];
        if (!backend.OutputNames.Contains(ScoresOutput))
            throw new ArgumentException($"model.json names scores output '{ScoresOutput}'; the model's outputs are {string.Join(", ", backend.OutputNames)}");
        Probe = new ModelProbe(backend, ScoresOutput);
    }

    public IModelBackend Backend { get; }

    public ModelCard Card { get; }

    public string ScoresOutput { get; }

    internal ModelProbe Probe { get; }

    /// <summary>The model card's default target layer, else the engine's choice (the feature map the head pools).</summary>
    public string DefaultLayer() => Card.DefaultTargetLayer ?? Backend.DescribeTensors().FirstOrDefault(t => t.IsDefaultTarget)?.Name
        ?? throw new ArgumentException("the model has no 4-D activation to explain; name a layer");

    /// <summary>Explains one image [1, C, H, W] with every method and target of <paramref name="options"/>.</summary>
    /// <param name="input">The preprocessed input tensor.</param>
    /// <param name="options">Methods, layers, targets and extras.</param>
    /// <param name="cancellationToken">
    /// Stops the work itself: the engine checks it before every operator, perturbation methods and
    /// metrics before every batch; a cancelled call throws <see cref="OperationCanceledException"/>
    /// and leaves the explainer usable.
    /// </param>
    public Explanation Explain(Tensor input, ExplainOptions options, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Backend.Cancellation = cancellationToken;
        Probe.Cancellation = cancellationToken;
        try
        {
            return ExplainChecked(input, options);
        }
        finally
        {
            Backend.Cancellation = Probe.Cancellation = CancellationToken.None;
        }
    }

    private Explanation ExplainChecked(Tensor input, ExplainOptions options)
    {
        foreach (var m in options.Methods)
            if (!CamRegistry.IsKnown(m))
                throw new ArgumentException($"unknown method '{LogText.Of(m)}' (known: {string.Join(", ", CamRegistry.Names)})");
        if (options.Methods.Count == 0)
            throw new ArgumentException("no method requested");
        if (input.Rank != 4 || input.Shape[0] != 1)
            throw new ArgumentException($"explanations take one image, shape [1, C, H, W], not {TensorShape.Format(input.Shape)}");
        var explanation = options.AugSmooth ? AugmentationSmoothing.Explain(this, input, options) : ExplainOnce(input, options);
        return options.Metrics ? explanation with { Metrics = Faithfulness.Score(Probe, input, explanation) } : explanation;
    }

    internal Explanation ExplainOnce(Tensor input, ExplainOptions options)
    {
        var layers = options.Layers.Count > 0 ? options.Layers : [DefaultLayer()];
        bool guided = options.Methods.Any(m => m is CamRegistry.GuidedBackprop or CamRegistry.GuidedGradCam);
        var timings = new Dictionary<string, double>();
        var clock = Stopwatch.StartNew();

        var progress = options.Progress;
        var forward = Backend.Forward(input, new PassRequest(layers, Gradients: true, InputGradients: guided));
        timings["forward"] = Lap(clock);
        progress?.Report(new ExplainProgress("forward", 1, 1));
        var scores = forward.Outputs[ScoresOutput].Floats;
        var targets = options.Targets.Resolve(scores);
        var seeds = CamTarget.Seeds(targets, scores);
        var methods = options.Methods.Where(CamRegistry.IsKnownCam).Select(CamRegistry.Create).ToList();
        var perturbations = options.Methods.Where(CamRegistry.IsPerturbation).Select(CamRegistry.CreatePerturbation).ToList();
        bool needGradCam = options.Methods.Contains(CamRegistry.GuidedGradCam);
        bool needGradients = methods.Any(m => m.NeedsGradients) || perturbations.Any(p => p.NeedsGradients) || needGradCam;
        var gradients = needGradients ? forward.Gradients(ScoresOutput, seeds, GradientMode.Standard, layers) : null;
        timings["backward"] = Lap(clock);
        if (gradients is not null)
            progress?.Report(new ExplainProgress("backward", 1, 1));

        var transform = options.Reshape ?? Card.Reshape ?? ReshapeTransform.Auto;
        var views = layers.Select(layer => LayerViews(layer, forward, gradients, targets.Count, transform)).ToList();
        var maps = new List<CamMap>();
        int height = input.Shape[2], width = input.Shape[3];
        foreach (var method in methods)
        {
            for (int t = 0; t < targets.Count; t++)
                maps.Add(Assemble(method.WireName, targets[t], layers, views.Select(v => (method.RawMap(v.PerTarget[t], options.EigenSmooth), v.Layer.Height, v.Layer.Width)).ToList(), height, width));
            timings[method.WireName] = Lap(clock);
            progress?.Report(new ExplainProgress(method.WireName, 1, 1));
        }
        foreach (var method in perturbations)
        {
            // Each layer's batches are one run: the report counts rows over all layers.
            int layerIndex = 0;
            if (progress is not null)
                Probe.ChunkDone = (done, total) => progress.Report(new ExplainProgress(method.WireName, layerIndex * total + done, layers.Count * total));
            List<float[][]> perLayer;
            try
            {
                perLayer = views.Select((v, l) =>
                {
                    layerIndex = l;
                    return method.RawMaps(new PerturbationContext(input, layers[l], v.Layer, targets, v.PerTarget, Probe)
                    {
                        ChannelLimit = options.ScoreCamChannels, Grid = v.Grid, RawActivations = forward.Observed[layers[l]].Floats,
                    }, options.EigenSmooth);
                }).ToList();
            }
            finally
            {
                Probe.ChunkDone = null;
            }
            for (int t = 0; t < targets.Count; t++)
                maps.Add(Assemble(method.WireName, targets[t], layers, views.Select((v, l) => method.InputResolution ? (perLayer[l][t], height, width) : (perLayer[l][t], v.Layer.Height, v.Layer.Width)).ToList(), height, width));
            timings[method.WireName] = Lap(clock);
            progress?.Report(new ExplainProgress(method.WireName, 1, 1));
        }
        if (guided)
        {
            var gradCams = needGradCam
                ? targets.Select((target, t) => Assemble("gradcam", target, layers, views.Select(v => (new GradCam().RawMap(v.PerTarget[t]), v.Layer.Height, v.Layer.Width)).ToList(), height, width).Map).ToList()
                : null;
            string inputName = Backend.InputNames[0];
            var guidedGrad = forward.Gradients(ScoresOutput, seeds, GradientMode.Guided, [inputName])[inputName];
            maps.AddRange(GuidedMaps.Build(options.Methods, targets, guidedGrad, gradCams, layers[0]));
            timings["guided"] = Lap(clock);
            progress?.Report(new ExplainProgress("guided", 1, 1));
        }
        return new Explanation(Predictions(scores, options.TopPredictions), maps, layers, timings);
    }

    private static CamMap Assemble(string method, CamTarget target, IReadOnlyList<string> layers, List<(float[] Raw, int Height, int Width)> raws, int height, int width) =>
        new(method, target.Name, target.ClassIndex, layers[0], raws[0].Raw, [raws[0].Height, raws[0].Width], CamScaling.Aggregate(raws, height, width), [height, width]);

    /// <summary>The layer as [C, h, w] grids (activations, and per target its gradients), through the reshape transform.</summary>
    private static (LayerMaps Layer, LayerMaps[] PerTarget, LayerGrid Grid) LayerViews(string layer, ForwardPass forward, IReadOnlyDictionary<string, Tensor>? gradients, int targets, ReshapeTransform transform)
    {
        var a = forward.Observed[layer];
        var grid = LayerGrid.For(a.Shape, transform, LogText.Of(layer));
        int c = grid.Channels, h = grid.Height, w = grid.Width, size = grid.RawSize;
        var activations = grid.ToGrid(a.Floats);
        var plain = new LayerMaps(activations, new float[activations.Length], c, h, w);
        var perTarget = Enumerable.Range(0, targets).Select(t => gradients is null
            ? plain
            : new LayerMaps(activations, grid.ToGrid(gradients[layer].Floats.AsSpan(t * size, size)), c, h, w)).ToArray();
        return (plain, perTarget, grid);
    }

    private IReadOnlyList<Prediction> Predictions(float[] scores, int k)
    {
        float max = scores.Max();
        double sum = scores.Sum(s => Math.Exp(s - max));
        return Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).Take(k)
            .Select(i => new Prediction(i, Card.Label(i), scores[i], (float)(Math.Exp(scores[i] - max) / sum))).ToList();
    }

    public void Dispose() => Backend.Dispose();

    private static double Lap(Stopwatch clock)
    {
        double ms = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        return ms;
    }
}
