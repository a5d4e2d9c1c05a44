using Explain.Cam.Backends;
using Explain.Cam.Layers;
using Explain.Cam.Methods;
using Explain.Cam.Perturbation;
using Explain.Cam.Targets;
using Explain.Engine.Errors;
using Explain.Engine.Onnx;
using Explain.Engine.Tensors;

namespace Explain.Cam.Pipeline;

/// <summary>
/// The passes one explanation shares between all its methods, targets and layers, made once
/// according to the union of the methods' <see cref="MethodNeeds"/>: the forward pass observing
/// every tensor any method reads, ONE standard backward pass for all targets at every tensor any
/// method differentiates (target layers, bias points, the input), the guided backward pass, and a
/// cache for the methods' own extra passes so methods that share them (SmoothGrad and its
/// variants) run them once.
/// </summary>
public sealed class SharedPasses
{
    private readonly Dictionary<string, object> _shared = new(StringComparer.Ordinal);
    private readonly IReadOnlyDictionary<string, Tensor>? _gradients;
    private readonly Func<OnnxModel> _graph;
    private readonly Tensor? _guided;
    private readonly Dictionary<int, float[]> _gradCams = [];

    /// <summary>
    /// The shared passes of a batch of images [1, C, H, W] of one shape, each with its own targets: ONE forward
    /// pass over the stacked batch, ONE standard backward pass for every image's targets (row t·B + b of the seed
    /// matrix seeds image b's target t; an image with fewer targets than another seeds zeros there), ONE guided
    /// backward pass; then per image a view of its row (<see cref="BatchRowPass"/>) with its own targets, seeds,
    /// gradients and layer views. A batch of one is the single-image explanation, pass for pass.
    /// </summary>
    internal static IReadOnlyList<SharedPasses> Make(Explainer explainer, IReadOnlyList<Tensor> inputs, IReadOnlyList<TargetSelection> targets,
        ExplainOptions options, IReadOnlyList<string> layers, MethodNeeds needs, Action<string> stageDone)
    {
        int n = inputs.Count;
        var backend = explainer.Backend;
        string scoresOutput = explainer.ExplainedOutput(targets[0]);
        var biasPoints = needs.HasFlag(MethodNeeds.BiasGradients) ? Attribution.BiasPoint.Find(explainer.Graph) : [];
        bool layerGradients = needs.HasFlag(MethodNeeds.Gradients);
        bool inputGradients = needs.HasFlag(MethodNeeds.InputGradients);
        bool needsLayers = (needs & (MethodNeeds.Activations | MethodNeeds.Gradients)) != 0;
        var observe = (needsLayers ? layers : []).Concat(biasPoints.Select(b => b.Tensor)).Distinct().ToList();
        string inputName = backend.InputNames[0];

        var batch = n == 1 ? inputs[0] : BatchRowPass.Stack(inputs);
        var forward = backend.Forward(batch, new PassRequest(observe, Gradients: layerGradients || biasPoints.Count > 0,
            InputGradients: inputGradients || needs.HasFlag(MethodNeeds.GuidedInputGradients)));
        stageDone("forward");
        var rows = Enumerable.Range(0, n).Select(b => n == 1 ? forward : new BatchRowPass(forward, b, n)).ToArray();
        var images = rows.Select((row, b) =>
        {
            var explained = row.Outputs[scoresOutput];
            var scores = explained.Floats;
            int[] sampleShape = explained.Rank > 1 ? explained.Shape[1..] : [scores.Length];
            var resolved = TaskTargets.Defaults(explainer.Card.Task, targets[b], scores, sampleShape) ?? targets[b].Resolve(scores, sampleShape);
            return (Row: row, Scores: scores, ClassScores: row.Outputs[explainer.ScoresOutput].Floats, Targets: resolved, Seeds: CamTarget.Seeds(resolved, scores));
        }).ToArray();

        var at = (layerGradients ? layers : []).Concat(biasPoints.Select(b => b.Tensor)).Concat(inputGradients ? [inputName] : []).Distinct().ToList();
        // FinerCAM's contrastive seeds ride the same backward pass: rows K..2K-1 of each image's seed block.
        bool contrast = needs.HasFlag(MethodNeeds.ContrastGradients) && layerGradients;
        var gradients = new IReadOnlyDictionary<string, Tensor>?[n];
        var contrastGradients = new IReadOnlyDictionary<string, Tensor>?[n];
        if (at.Count > 0)
        {
            var blocks = images.Select(i => contrast
                ? Stack(i.Seeds, FinerCamTarget.Seeds(i.Targets, i.Scores, options.Attribution.FinerCamAlpha, options.Attribution.FinerCamComparisons))
                : i.Seeds).ToArray();
            var all = forward.GradientsOfRows(scoresOutput, BatchRowPass.Interleave(blocks), GradientMode.Standard, at);
            for (int b = 0; b < n; b++)
            {
                int k = images[b].Targets.Count;
                var own = all.ToDictionary(kv => kv.Key, kv => BatchRowPass.RowsOf(kv.Value, b, n, 0, k), StringComparer.Ordinal);
                gradients[b] = own;
                if (contrast)
                    contrastGradients[b] = all.ToDictionary(kv => kv.Key, kv => BatchRowPass.RowsOf(kv.Value, b, n, k, k), StringComparer.Ordinal);
            }
            stageDone("backward");
        }
        var guided = new Tensor?[n];
        if (needs.HasFlag(MethodNeeds.GuidedInputGradients))
        {
            // Compat: pytorch-grad-cam guides ReLU only (its GuidedBackpropReLUModel swaps torch.nn.ReLU modules, not ReLU6).
            var guidedMode = options.Compat == CompatMode.PytorchGradCam ? GradientMode.GuidedReluOnly : GradientMode.Guided;
            var all = forward.GradientsOfRows(scoresOutput, BatchRowPass.Interleave(images.Select(i => i.Seeds).ToArray()), guidedMode, [inputName])[inputName];
            for (int b = 0; b < n; b++)
                guided[b] = BatchRowPass.RowsOf(all, b, n, 0, images[b].Targets.Count);
            stageDone("guided");
        }
        return images.Select((i, b) => new SharedPasses(explainer, inputs[b], options with { Targets = targets[b] }, layers, needs, biasPoints, scoresOutput,
            i.Row, i.Scores, i.ClassScores, i.Targets, i.Seeds, gradients[b], contrastGradients[b], guided[b])).ToList();
    }

    private SharedPasses(Explainer explainer, Tensor input, ExplainOptions options, IReadOnlyList<string> layers, MethodNeeds needs,
        IReadOnlyList<Attribution.BiasPoint> biasPoints, string scoresOutput, ForwardPass forward, float[] scores, float[] classScores,
        IReadOnlyList<CamTarget> targets, Tensor seeds, IReadOnlyDictionary<string, Tensor>? gradients, IReadOnlyDictionary<string, Tensor>? contrastGradients, Tensor? guided)
    {
        Input = input;
        Options = options;
        Layers = layers;
        Backend = explainer.Backend;
        Probe = explainer.Probe;
        ScoresOutput = scoresOutput;
        InputName = Backend.InputNames[0];
        _graph = () => explainer.Graph;
        Needs = needs;
        BiasPoints = biasPoints;
        Forward = forward;
        Scores = scores;
        ClassScores = classScores;
        Targets = targets;
        Seeds = seeds;
        _gradients = gradients;
        _guided = guided;
        bool needsLayers = (needs & (MethodNeeds.Activations | MethodNeeds.Gradients)) != 0;
        var transform = options.Reshape ?? explainer.Card.Reshape ?? ReshapeTransform.Auto;
        LayerGrids = !needsLayers ? [] : layers.Select(layer => LayerGrid.For(Forward.Observed[layer].Shape, transform, LogText.Of(layer))).ToList();
        LayerViews = !needsLayers ? [] : layers.Select((layer, l) => View(layer, LayerGrids[l], Forward, needs.HasFlag(MethodNeeds.Gradients) ? _gradients : null, Targets.Count)).ToList();
        ContrastViews = contrastGradients is null ? [] : layers.Select((layer, l) => View(layer, LayerGrids[l], Forward, contrastGradients, Targets.Count).PerTarget).ToList();
    }

    /// <summary>The preprocessed input [1, C, H, W].</summary>
    public Tensor Input { get; }

    public ExplainOptions Options { get; }

    public IReadOnlyList<string> Layers { get; }

    public MethodNeeds Needs { get; }

    public IModelBackend Backend { get; }

    public ModelProbe Probe { get; }

    /// <summary>The output the targets read (every seed and re-run score is on it).</summary>
    public string ScoresOutput { get; }

    /// <summary>The model input's name (where input gradients are taken).</summary>
    public string InputName { get; }

    public ForwardPass Forward { get; }

    /// <summary>The explained output of the input (one sample): the scores of a classifier, the targets' output otherwise.</summary>
    public float[] Scores { get; }

    /// <summary>The classifier scores output of the input (one row), for the predictions list.</summary>
    public float[] ClassScores { get; }

    public IReadOnlyList<CamTarget> Targets { get; }

    /// <summary>The targets' seeds stacked, [K, classes]: row t seeds target t.</summary>
    public Tensor Seeds { get; }

    /// <summary>Per target layer: the activations alone, and per target the activations with that target's gradients.</summary>
    public IReadOnlyList<(LayerMaps Layer, LayerMaps[] PerTarget)> LayerViews { get; }

    /// <summary>
    /// Per target layer, per target: the activations with the gradient of the target's FinerCAM score
    /// (<see cref="FinerCamTarget"/>), when a method declared <see cref="MethodNeeds.ContrastGradients"/>.
    /// </summary>
    public IReadOnlyList<LayerMaps[]> ContrastViews { get; }

    /// <summary>How each layer's own layout maps to its [C, h, w] view (the reshape transform: ViT tokens, Swin NHWC).</summary>
    public IReadOnlyList<LayerGrid> LayerGrids { get; }

    /// <summary>Conv/BatchNormalization outputs with their (effective) biases, when a method needs bias gradients.</summary>
    public IReadOnlyList<Attribution.BiasPoint> BiasPoints { get; }

    /// <summary>The imported graph (initializers, nodes), for methods that read parameters.</summary>
    public OnnxModel Graph => _graph();

    /// <summary>∂y_t/∂x for every target, [K, C, H, W], from the shared backward pass.</summary>
    public Tensor InputGradients => Gradient(InputName);

    /// <summary>The guided-backpropagation input gradient for every target, [K, C, H, W].</summary>
    public Tensor GuidedInputGradients => _guided ?? throw new InvalidOperationException("no method declared GuidedInputGradients");

    /// <summary>The shared backward pass's gradient at <paramref name="tensor"/>, [K, ...].</summary>
    public Tensor Gradient(string tensor) => _gradients is not null && _gradients.TryGetValue(tensor, out var g)
        ? g
        : throw new InvalidOperationException($"no method declared the gradient at '{LogText.Of(tensor)}'");

    /// <summary>
    /// A pass several methods share (e.g. SmoothGrad's noisy gradients for smoothgrad, smoothgrad-squared
    /// and vargrad), computed once per <paramref name="key"/>; the key names everything the pass depends on.
    /// </summary>
    public T Shared<T>(string key, Func<T> compute) where T : class
    {
        if (!_shared.TryGetValue(key, out var value))
            _shared[key] = value = compute();
        return (T)value;
    }

    /// <summary>Target <paramref name="t"/>'s normalized Grad-CAM map at input resolution (all layers aggregated), made once.</summary>
    public float[] GradCamMap(int t)
    {
        if (!_gradCams.TryGetValue(t, out var map))
        {
            var gradcam = new GradCam();
            _gradCams[t] = map = CamScaling.Aggregate(LayerViews.Select(v => (gradcam.RawMap(v.PerTarget[t]), v.Layer.Height, v.Layer.Width)).ToList(), Input.Shape[2], Input.Shape[3]);
        }
        return map;
    }

    private static Tensor Stack(Tensor a, Tensor b)
    {
        var stacked = Tensor.Zeros(a.Shape[0] + b.Shape[0], a.Shape[1]);
        a.Floats.CopyTo(stacked.Floats, 0);
        b.Floats.CopyTo(stacked.Floats, a.Floats.Length);
        return stacked;
    }

    /// <summary>The layer as [C, h, w] grids (activations, and per target its gradients), through the reshape transform.</summary>
    private static (LayerMaps Layer, LayerMaps[] PerTarget) View(string layer, LayerGrid grid, ForwardPass forward, IReadOnlyDictionary<string, Tensor>? gradients, int targets)
    {
        var a = forward.Observed[layer];
        int c = grid.Channels, h = grid.Height, w = grid.Width, size = grid.RawSize;
        var activations = grid.ToGrid(a.Floats);
        var plain = new LayerMaps(activations, new float[activations.Length], c, h, w);
        var perTarget = Enumerable.Range(0, targets).Select(t => gradients is null
            ? plain
            : new LayerMaps(activations, grid.ToGrid(gradients[layer].Floats.AsSpan(t * size, size)), c, h, w)).ToArray();
        return (plain, perTarget);
    }
}
