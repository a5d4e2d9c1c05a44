using System.Diagnostics;
using Explain.Cam.Methods;
using Explain.Cam.Models;
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
/// batched backward pass in guided mode. Not thread-safe (it reuses sessions).
/// </summary>
public sealed class Explainer(OnnxModel model, ModelCard card, int threads = 0)
{
    private readonly Dictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly int _threads = threads > 0 ? threads : Environment.ProcessorCount;

    public OnnxModel Model { get; } = model;

    public ModelCard Card { get; } = card;

    /// <summary>The model card's default target layer, else the engine's choice (last spatial activation).</summary>
    public string DefaultLayer() => Card.DefaultTargetLayer ?? SessionFor([], false).DefaultTargetLayer()
        ?? throw new ArgumentException("the model has no 4-D activation to explain; name a layer");

    public Explanation Explain(Tensor input, ExplainOptions options)
    {
        foreach (var m in options.Methods)
            if (!CamRegistry.IsKnown(m))
                throw new ArgumentException($"unknown method '{m}' (known: {string.Join(", ", CamRegistry.Names)})");
        if (input.Rank != 4 || input.Shape[0] != 1)
            throw new ArgumentException($"explanations take one image, shape [1, C, H, W], not {TensorShape.Format(input.Shape)}");
        var layers = options.Layers.Count > 0 ? options.Layers : [DefaultLayer()];
        bool guided = options.Methods.Any(m => m is CamRegistry.GuidedBackprop or CamRegistry.GuidedGradCam);
        var session = SessionFor(layers, guided);
        var timings = new Dictionary<string, double>();
        var clock = Stopwatch.StartNew();

        var forward = session.Run(input);
        timings["forward"] = Lap(clock);
        string scoresName = Card.ScoresOutput ?? Model.Outputs[0].Name;
        var scores = forward.Outputs[scoresName].Floats;
        var targets = options.Targets.Resolve(scores);
        var seeds = new Dictionary<string, Tensor> { [scoresName] = CamTarget.Seeds(targets, scores) };
        var methods = options.Methods.Where(CamRegistry.IsKnownCam).Select(CamRegistry.Create).ToList();
        bool needGradCam = options.Methods.Contains(CamRegistry.GuidedGradCam);
        var gradients = methods.Any(m => m.NeedsGradients) || needGradCam ? session.Backward(seeds, BackwardMode.Standard, layers) : null;
        timings["backward"] = Lap(clock);

        var maps = new List<CamMap>();
        int height = input.Shape[2], width = input.Shape[3];
        foreach (var method in methods)
        {
            for (int t = 0; t < targets.Count; t++)
                maps.Add(Map(method, targets[t], layers, forward, gradients, t, height, width));
            timings[method.WireName] = Lap(clock);
        }
        if (guided)
        {
            var gradCams = needGradCam ? targets.Select((target, t) => Map(new GradCam(), target, layers, forward, gradients, t, height, width).Map).ToList() : null;
            var guidedGrad = session.Backward(seeds, BackwardMode.Guided, [Model.Inputs[0].Name])[Model.Inputs[0].Name];
            maps.AddRange(GuidedMaps.Build(options.Methods, targets, guidedGrad, gradCams, layers[0]));
            timings["guided"] = Lap(clock);
        }
        return new Explanation(Predictions(scores, options.TopPredictions), maps, layers, timings);
    }

    private static CamMap Map(CamMethod method, CamTarget target, IReadOnlyList<string> layers, ForwardResult forward,
        IReadOnlyDictionary<string, Tensor>? gradients, int row, int height, int width)
    {
        var raws = new List<(float[] Raw, int Height, int Width)>();
        foreach (var layer in layers)
        {
            var a = forward.Observed[layer];
            if (a.Rank != 4)
                throw new ArgumentException($"layer '{layer}' has shape {TensorShape.Format(a.Shape)}; CAM methods need a 4-D [1, C, h, w] activation");
            int c = a.Shape[1], h = a.Shape[2], w = a.Shape[3], size = c * h * w;
            var g = gradients is null ? new float[size] : gradients[layer].Floats.AsSpan(row * size, size).ToArray();
            raws.Add((method.RawMap(new LayerMaps(a.Floats, g, c, h, w)), h, w));
        }
        var normalized = CamScaling.Aggregate(raws, height, width);
        return new CamMap(method.WireName, target.Name, target.ClassIndex, layers[0], raws[0].Raw, [raws[0].Height, raws[0].Width], normalized, [height, width]);
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
