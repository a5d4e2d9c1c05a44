using System.Diagnostics;
using Explain.Cam.Methods;
using Explain.Cam.Models;
using Explain.Cam.Perturbation;
using Explain.Cam.Targets;
using Explain.Engine.Graph;
using Explain.Engine.Onnx;
using Explain.Engine.Ops;
using Explain.Engine.Tensors;

namespace Explain.Cam;

/// <summary>
/// The shared work of every method, done once per image: one forward pass with the target layers
/// observed, one batched backward pass for all targets (seeds stacked), then each method's raw map
/// per target and layer, ReLU, upsampling and normalization. Guided backpropagation is one more
/// batched backward pass in guided mode; perturbation methods re-run the model through a probe.
/// Not thread-safe (it reuses sessions).
/// </summary>
public sealed partial class Explainer
{
    private readonly Dictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly int _threads;

    public Explainer(OnnxModel model, ModelCard card, int threads = 0)
    {
        Model = model;
        Card = card;
        _threads = threads > 0 ? threads : Environment.ProcessorCount;
        ScoresOutput = card.ScoresOutput ?? model.Outputs[0].Name;
        Probe = new ModelProbe(model, ScoresOutput, _threads);
    }

    public OnnxModel Model { get; }

    public ModelCard Card { get; }

    public string ScoresOutput { get; }

    internal ModelProbe Probe { get; }

    /// <summary>The model card's default target layer, else the engine's choice (the feature map the head pools).</summary>
    public string DefaultLayer() => Card.DefaultTargetLayer ?? SessionFor([], false).DefaultTargetLayer()
        ?? throw new ArgumentException("the model has no 4-D activation to explain; name a layer");

    public Explanation Explain(Tensor input, ExplainOptions options)
    {
        foreach (var m in options.Methods)
            if (!CamRegistry.IsKnown(m))
                throw new ArgumentException($"unknown method '{m}' (known: {string.Join(", ", CamRegistry.Names)})");
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
        var session = SessionFor(layers, guided);
        var timings = new Dictionary<string, double>();
        var clock = Stopwatch.StartNew();

        var progress = options.Progress;
        var forward = session.Run(input);
        timings["forward"] = Lap(clock);
        progress?.Report(new ExplainProgress("forward", 1, 1));
        var scores = forward.Outputs[ScoresOutput].Floats;
        var targets = options.Targets.Resolve(scores);
        var seeds = new Dictionary<string, Tensor> { [ScoresOutput] = CamTarget.Seeds(targets, scores) };
        var methods = options.Methods.Where(CamRegistry.IsKnownCam).Select(CamRegistry.Create).ToList();
        var perturbations = options.Methods.Where(CamRegistry.IsPerturbation).Select(CamRegistry.CreatePerturbation).ToList();
        bool needGradCam = options.Methods.Contains(CamRegistry.GuidedGradCam);
        bool needGradients = methods.Any(m => m.NeedsGradients) || perturbations.Any(p => p.NeedsGradients) || needGradCam;
        var gradients = needGradients ? session.Backward(seeds, BackwardMode.Standard, layers) : null;
        timings["backward"] = Lap(clock);
        if (gradients is not null)
            progress?.Report(new ExplainProgress("backward", 1, 1));

        var views = layers.Select(layer => LayerViews(layer, forward, gradients, targets.Count)).ToList();
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
                    return method.RawMaps(new PerturbationContext(input, layers[l], v.Layer, targets, v.PerTarget, Probe) { ChannelLimit = options.ScoreCamChannels }, options.EigenSmooth);
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
            var guidedGrad = session.Backward(seeds, BackwardMode.Guided, [Model.Inputs[0].Name])[Model.Inputs[0].Name];
            maps.AddRange(GuidedMaps.Build(options.Methods, targets, guidedGrad, gradCams, layers[0]));
            timings["guided"] = Lap(clock);
            progress?.Report(new ExplainProgress("guided", 1, 1));
        }
        return new Explanation(Predictions(scores, options.TopPredictions), maps, layers, timings);
    }

    private static CamMap Assemble(string method, CamTarget target, IReadOnlyList<string> layers, List<(float[] Raw, int Height, int Width)> raws, int height, int width) =>
        new(method, target.Name, target.ClassIndex, layers[0], raws[0].Raw, [raws[0].Height, raws[0].Width], CamScaling.Aggregate(raws, height, width), [height, width]);

    private static (LayerMaps Layer, LayerMaps[] PerTarget) LayerViews(string layer, ForwardResult forward, IReadOnlyDictionary<string, Tensor>? gradients, int targets)
    {
        var a = forward.Observed[layer];
        if (a.Rank != 4)
            throw new ArgumentException($"layer '{layer}' has shape {TensorShape.Format(a.Shape)}; CAM methods need a 4-D [1, C, h, w] activation");
        int c = a.Shape[1], h = a.Shape[2], w = a.Shape[3], size = c * h * w;
        var plain = new LayerMaps(a.Floats, new float[size], c, h, w);
        var perTarget = Enumerable.Range(0, targets).Select(t => gradients is null
            ? plain
            : new LayerMaps(a.Floats, gradients[layer].Floats.AsSpan(t * size, size).ToArray(), c, h, w)).ToArray();
        return (plain, perTarget);
    }

    private IReadOnlyList<Prediction> Predictions(float[] scores, int k)
    {
        float max = scores.Max();
        double sum = scores.Sum(s => Math.Exp(s - max));
        return Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).Take(k)
            .Select(i => new Prediction(i, Card.Label(i), scores[i], (float)(Math.Exp(scores[i] - max) / sum))).ToList();
    }

    private Session SessionFor(IReadOnlyList<string> layers, bool inputGradients)
    {
        string key = string.Join('\n', layers) + (inputGradients ? "\n+input" : "");
        if (!_sessions.TryGetValue(key, out var session))
            _sessions[key] = session = new Session(Model, new SessionOptions { Observe = layers, Gradients = layers.Count > 0, InputGradients = inputGradients, Threads = _threads });
        return session;
    }

    private static double Lap(Stopwatch clock)
    {
        double ms = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        return ms;
    }
}
