using System.Diagnostics;
using Explain.Cam.Backends;
using Explain.Cam.Evaluation;
using Explain.Cam.Methods;
using Explain.Cam.Models;
using Explain.Cam.Perturbation;
using Explain.Cam.Pipeline;
using Explain.Cam.Targets;
using Explain.Engine.Tensors;
using Explain.Engine.Errors;

namespace Explain.Cam;

/// <summary>
/// The shared work of every method, done once per image (<see cref="SharedPasses"/>): each method
/// declares what it reads (<see cref="MethodNeeds"/>), and for the union of those needs one forward
/// pass observes every tensor, one batched backward pass serves all targets at every tensor any
/// method differentiates (target layers, bias points, input), one guided backward pass serves the
/// guided methods; then each method's raw map per target and layer, ReLU, upsampling and
/// normalization. Perturbation and noise-based methods re-run the model through a probe in batches.
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

    /// <summary>
    /// The output an explanation's targets read: the one every target names (targets of one explanation
    /// read one output), else the task's output (model.json "task.output"), else the scores output.
    /// </summary>
    public string ExplainedOutput(TargetSelection targets)
    {
        string fallback = Card.Task.Output ?? ScoresOutput;
        var named = targets.Items.Select(t => t.Output ?? fallback).Distinct(StringComparer.Ordinal).ToList();
        if (named.Count > 1)
            throw new ArgumentException($"the targets of one explanation read one output; these read {string.Join(", ", named.Select(n => $"'{LogText.Of(n)}'"))}");
        string output = named.Count == 1 ? named[0] : fallback;
        if (!Backend.OutputNames.Contains(output))
            throw new ArgumentException($"the model has no output '{LogText.Of(output)}' (its outputs: {string.Join(", ", Backend.OutputNames.Select(LogText.Of))})");
        return output;
    }

    /// <summary>One sample of output <paramref name="output"/> (default: the task's output, else the scores) for <paramref name="input"/> [1, C, H, W]: an embedding model's embedding.</summary>
    public float[] Embed(Tensor input, string? output = null)
    {
        string name = output ?? ExplainedOutput(TargetSelection.Predicted);
        if (!Backend.OutputNames.Contains(name))
            throw new ArgumentException($"the model has no output '{LogText.Of(name)}' (its outputs: {string.Join(", ", Backend.OutputNames.Select(LogText.Of))})");
        return Backend.Forward(input, PassRequest.Outputs).Outputs[name].Floats.ToArray();
    }

    public IModelBackend Backend { get; }

    public ModelCard Card { get; }

    public string ScoresOutput { get; }

    internal ModelProbe Probe { get; }

    /// <summary>The imported graph (nodes, initializers) for methods that read parameters: FullGrad's biases, CAM's head.</summary>
    public Engine.Onnx.OnnxModel Graph => Backend.Graph;

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
    public Explanation Explain(Tensor input, ExplainOptions options, CancellationToken cancellationToken = default) =>
        ExplainBatch([input], [options.Targets], options, cancellationToken)[0];

    /// <summary>Explains <paramref name="input"/>'s tensor, with its <see cref="Inputs.ExplainInput.Extra"/> inputs fed to every pass.</summary>
    public Explanation Explain(Inputs.ExplainInput input, ExplainOptions options, CancellationToken cancellationToken = default) =>
        ExplainBatch([input.Tensor], [input.Extra], [options.Targets], options, cancellationToken)[0];

    /// <summary>Explains one image [1, C, H, W] of a model with more inputs: <paramref name="extraInputs"/> (by ONNX name, every input after the image, batch 1) are fed to every pass.</summary>
    /// <exception cref="ArgumentException">An extra input is missing, unknown, or of the wrong element type or shape (named), before any pass.</exception>
    public Explanation Explain(Tensor input, IReadOnlyDictionary<string, Tensor> extraInputs, ExplainOptions options, CancellationToken cancellationToken = default) =>
        ExplainBatch([input], [extraInputs], [options.Targets], options, cancellationToken)[0];

    /// <summary>
    /// Explains a batch of images [1, C, H, W] of one shape, image b for its own targets <paramref name="targets"/>[b]
    /// (<paramref name="options"/>' targets are not read): one forward pass and one backward pass for the whole batch
    /// (every image's targets are rows of one seed matrix), one guided pass, then each image's maps, localization and
    /// metrics as <see cref="Explain(Tensor, ExplainOptions, CancellationToken)"/> makes them; explanation b equals explaining image b alone. Perturbation and
    /// noise-based methods, aug-smooth and metrics still re-run the model per image. The images' targets must read one
    /// output. The stages shared by the batch ("forward", "backward", "guided") report the batch's time in every explanation.
    /// </summary>
    public IReadOnlyList<Explanation> ExplainBatch(IReadOnlyList<Tensor> inputs, IReadOnlyList<TargetSelection> targets, ExplainOptions options, CancellationToken cancellationToken = default) =>
        ExplainBatch(inputs, inputs.Select(_ => NoExtraInputs).ToList(), targets, options, cancellationToken);

    /// <summary>
    /// <see cref="ExplainBatch(IReadOnlyList{Tensor}, IReadOnlyList{TargetSelection}, ExplainOptions, CancellationToken)"/> for a model
    /// with more inputs than the image: <paramref name="extraInputs"/>[b] holds image b's other inputs (token ids, a question, a second
    /// image) by ONNX name, each of batch 1; the batch's passes feed them stacked as the images are, each image's own work feeds its own.
    /// </summary>
    /// <exception cref="ArgumentException">A count mismatch, or an extra input missing, unknown, of the wrong element type or shape (named), before any pass.</exception>
    public IReadOnlyList<Explanation> ExplainBatch(IReadOnlyList<Tensor> inputs, IReadOnlyList<IReadOnlyDictionary<string, Tensor>> extraInputs,
        IReadOnlyList<TargetSelection> targets, ExplainOptions options, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (inputs.Count == 0)
            throw new ArgumentException("a batch holds at least one image");
        if (targets.Count != inputs.Count)
            throw new ArgumentException($"a batch of {inputs.Count} images takes one target list per image, not {targets.Count}");
        if (extraInputs.Count != inputs.Count)
            throw new ArgumentException($"a batch of {inputs.Count} images takes one set of extra inputs per image, not {extraInputs.Count}");
        var extras = new BatchExtras(Backend, () => Graph, extraInputs);
        var selections = targets.Select(t => TaskTargets.ForTask(Card.Task, t)).ToList();
        var outputs = selections.Select(ExplainedOutput).Distinct(StringComparer.Ordinal).ToList();
        if (outputs.Count > 1)
            throw new ArgumentException($"the images of a batch are explained on one output; their targets read {string.Join(", ", outputs.Select(o => $"'{LogText.Of(o)}'"))}");
        Backend.Cancellation = cancellationToken;
        Probe.Cancellation = cancellationToken;
        Probe.ScoresOutput = outputs[0];
        try
        {
            return ExplainChecked(inputs, extras, selections, options);
        }
        finally
        {
            Backend.Cancellation = Probe.Cancellation = CancellationToken.None;
            Backend.ExtraInputs = NoExtraInputs;
            Probe.ScoresOutput = ScoresOutput;
        }
    }

    private static readonly IReadOnlyDictionary<string, Tensor> NoExtraInputs = new Dictionary<string, Tensor>();

    private List<Explanation> ExplainChecked(IReadOnlyList<Tensor> inputs, BatchExtras extras, IReadOnlyList<TargetSelection> targets, ExplainOptions options)
    {
        foreach (var m in options.Methods)
            if (!CamRegistry.IsKnown(m))
                throw new ArgumentException($"unknown method '{LogText.Of(m)}' (known: {string.Join(", ", CamRegistry.Names)})");
        if (options.Methods.Count == 0)
            throw new ArgumentException("no method requested");
        options.Attribution.Validate();
        options.Perturbation.Validate();
        var input = inputs[0];
        foreach (var image in inputs)
        {
            if (image.Rank != 4 || image.Shape[0] != 1)
                throw new ArgumentException($"explanations take one image, shape [1, C, H, W], not {TensorShape.Format(image.Shape)}");
            if (!image.Shape.AsSpan().SequenceEqual(input.Shape))
                throw new ArgumentException($"the images of a batch have one shape; {TensorShape.Format(image.Shape)} is not {TensorShape.Format(input.Shape)}");
        }
        if (options.Methods.Contains(Occlusion.Name))
            options.Perturbation.ValidateFor(input.Shape[2], input.Shape[3]);
        options.Evaluation.Validate();
        if (options.AugSmooth && options.Methods.Contains(CamRegistry.Dff))
            throw new ArgumentException("dff does not combine with aug_smooth: the concepts of differently augmented inputs do not correspond");
        var explained = options.AugSmooth
            ? inputs.Select((x, b) =>
            {
                extras.ForImage(b);
                return AugmentationSmoothing.Explain(this, x, options with { Targets = targets[b] });
            }).ToList()
            : ExplainOnce(inputs, targets, options, extras);
        return explained.Select((e, b) =>
        {
            extras.ForImage(b);
            var own = options with { Targets = targets[b] };
            var clock = Stopwatch.StartNew();
            var explanation = Localize(e, own.Evaluation);
            explanation = explanation with { TimingsMs = new Dictionary<string, double>(explanation.TimingsMs) { ["localize"] = clock.Elapsed.TotalMilliseconds } };
            if (!own.Metrics)
                return explanation;
            var metrics = Faithfulness.Score(Probe, inputs[b], explanation, own.Evaluation, own.Seed, (x, map) => Reexplain(x, map, own));
            if (own.Evaluation.SanityCheck)
                metrics = SanityCheck.Attach(this, inputs[b], explanation, metrics, own);
            return explanation with { Metrics = metrics };
        }).ToList();
    }

    private Explanation ExplainSmoothed(Tensor input, ExplainOptions options) =>
        options.AugSmooth ? AugmentationSmoothing.Explain(this, input, options) : ExplainOnce(input, options);

    private static Explanation Localize(Explanation explanation, EvaluationOptions evaluation) => explanation with
    {
        Maps = explanation.Maps.Select(m => m.MapShape.Length != 2 ? m : m with
        {
            Localization = Localizer.Locate(m.Map, m.MapShape[0], m.MapShape[1], evaluation.LocalizationThreshold, evaluation.GroundTruth, evaluation.PointingTolerance),
        }).ToList(),
    };

    /// <summary>The same method and target on another input (ARCC's coherency).</summary>
    private float[] Reexplain(Tensor input, CamMap map, ExplainOptions options)
    {
        // The map's own target object when the request named targets (softmax, ReST, ...), else its class.
        var item = options.Targets.Items.FirstOrDefault(t => t.Name == map.Target);
        var targets = item is not null ? TargetSelection.Of([item]) : new TargetSelection([map.Class!.Value], 0, map.Target.EndsWith("-counterfactual", StringComparison.Ordinal));
        var again = ExplainSmoothed(input, options with { Methods = [map.Method], Targets = targets, Metrics = false, Progress = null });
        return again.Maps.First(m => m.Method == map.Method && m.Target == map.Target && m.MapShape.Length == 2).Map;
    }

    /// <summary>One image's explanation without localization and metrics, on the extra inputs the backend is fed now.</summary>
    internal Explanation ExplainOnce(Tensor input, ExplainOptions options) => ExplainOnce([input], [options.Targets], options, null)[0];

    /// <summary>
    /// The explanations of a batch without localization and metrics: the shared passes once for all images (fed
    /// <paramref name="extras"/> stacked), then each image's maps (fed its own); null leaves the backend's extra inputs as they are.
    /// </summary>
    private List<Explanation> ExplainOnce(IReadOnlyList<Tensor> inputs, IReadOnlyList<TargetSelection> targets, ExplainOptions options, BatchExtras? extras)
    {
        var needs = options.Methods.Select(CamRegistry.NeedsOf).Aggregate(MethodNeeds.None, (a, b) => a | b);
        var layers = options.Layers.Count > 0 || (needs & (MethodNeeds.Activations | MethodNeeds.Gradients)) == 0 ? options.Layers : [DefaultLayer()];
        var shared = new Dictionary<string, double>();
        var clock = Stopwatch.StartNew();
        var progress = options.Progress;
        extras?.ForBatch();
        var batch = SharedPasses.Make(this, inputs, targets, options, layers, needs, stage =>
        {
            shared[stage] = Lap(clock);
            progress?.Report(new ExplainProgress(stage, 1, 1));
        });
        IReadOnlySet<string> sharedStages = batch.Count > 1 ? shared.Keys.ToHashSet(StringComparer.Ordinal) : new HashSet<string>();
        var explanations = new List<Explanation>(batch.Count);
        foreach (var passes in batch)
        {
            extras?.ForImage(explanations.Count);
            var timings = new Dictionary<string, double>(shared);
            clock.Restart();
            var maps = new List<CamMap>();
            foreach (var name in options.Methods.Distinct())
            {
                if (CamRegistry.IsKnownCam(name))
                    maps.AddRange(CamMaps(CamRegistry.Create(name), passes));
                else if (CamRegistry.IsPerturbation(name))
                    maps.AddRange(PerturbationMaps(CamRegistry.CreatePerturbation(name), passes));
                else if (name == CamRegistry.Dff)
                    maps.AddRange(ConceptMaps(passes));
                else
                    maps.AddRange(AttributionMaps(CamRegistry.CreateAttribution(name), passes));
                timings[name] = Lap(clock);
                progress?.Report(new ExplainProgress(name, 1, 1));
            }
            var predictions = Card.Task.Kind == ModelTaskKind.Classifier ? Predictions(passes.ClassScores, options.TopPredictions) : [];
            var texts = Texts(passes, passes.Options);
            if (texts is not null)
                timings["text"] = Lap(clock);
            explanations.Add(new Explanation(predictions, WithGeometry(maps, passes), layers, timings) { Texts = texts, SharedStages = sharedStages });
        }
        return explanations;
    }

    /// <summary>
    /// Grad-CAM paper §7: text from the first layer's channel weights, whenever the layer gradients
    /// were made; with dff, the same shares over the DFF concepts, named by their classes.
    /// </summary>
    private List<TextExplanation>? Texts(SharedPasses passes, ExplainOptions options)
    {
        if (!passes.Needs.HasFlag(MethodNeeds.Gradients) || passes.LayerViews.Count == 0)
            return null;
        string layer = passes.Layers[0];
        if (options.Methods.Contains(CamRegistry.Dff))
        {
            var dff = Attribution.DeepFeatureFactorization.Factorize(passes);
            var names = dff.Concepts.Select(c => c.Classes is null ? null : string.Join(", ", c.Classes.Select(k => Card.Label(k.Class)))).ToList();
            return passes.Targets.Select((target, t) => ConceptText.Describe(target.Name, target.ClassIndex, target.ClassIndex is int c ? Card.Label(c) : target.Name,
                layer, passes.LayerViews[0].PerTarget[t], dff, names, options.Evaluation.TextChannels)).ToList();
        }
        return passes.Targets.Select((target, t) => ChannelText.Describe(target.Name, target.ClassIndex, target.ClassIndex is int c ? Card.Label(c) : target.Name,
            layer, passes.LayerViews[0].PerTarget[t], options.Evaluation.TextChannels, Card.ChannelLabelsFor(layer))).ToList();
    }

    private static IEnumerable<CamMap> CamMaps(CamMethod method, SharedPasses passes)
    {
        int height = passes.Input.Shape[2], width = passes.Input.Shape[3];
        var views = passes.LayerViews;
        for (int t = 0; t < passes.Targets.Count; t++)
            yield return Assemble(method.WireName, passes.Targets[t], passes.Layers, views.Select(v => (method.RawMap(v.PerTarget[t], passes.Options.EigenSmooth), v.Layer.Height, v.Layer.Width)).ToList(), height, width);
    }

    private List<CamMap> PerturbationMaps(PerturbationMethod method, SharedPasses passes)
    {
        var (input, layers, views, targets, progress) = (passes.Input, passes.Layers, passes.LayerViews, passes.Targets, passes.Options.Progress);
        int height = input.Shape[2], width = input.Shape[3];
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
                    ChannelLimit = passes.Options.ScoreCamChannels, Seed = passes.Options.Seed, Parameters = passes.Options.Perturbation, Compat = passes.Options.Compat, Grid = passes.LayerGrids[l], RawActivations = passes.Forward.Observed[layers[l]].Floats,
                }, passes.Options.EigenSmooth);
            }).ToList();
        }
        finally
        {
            Probe.ChunkDone = null;
        }
        return targets.Select((target, t) => Assemble(method.WireName, target, layers, views.Select((v, l) => method.InputResolution ? (perLayer[l][t], height, width) : (perLayer[l][t], v.Layer.Height, v.Layer.Width)).ToList(), height, width)).ToList();
    }

    private static IEnumerable<CamMap> AttributionMaps(AttributionMethod method, SharedPasses passes)
    {
        var raws = method.RawMaps(passes);
        int height = passes.Input.Shape[2], width = passes.Input.Shape[3];
        // Guided maps keep the first target layer's name, as before the pipeline; input-space maps name the input.
        string layer = method.Needs.HasFlag(MethodNeeds.Activations) && passes.Layers.Count > 0 ? passes.Layers[0] : passes.InputName;
        for (int t = 0; t < passes.Targets.Count; t++)
        {
            var (target, raw) = (passes.Targets[t], raws[t]);
            yield return method.Rendering == MapRendering.Picture
                ? new CamMap(method.WireName, target.Name, target.ClassIndex, layer, raw.Values, raw.Shape, Attribution.InputMaps.Deprocess(raw.Values), raw.Shape)
                : new CamMap(method.WireName, target.Name, target.ClassIndex, layer, raw.Values, raw.Shape,
                    CamScaling.Aggregate((raw.PerLayer ?? [raw]).Select(r => (r.Values, r.Shape[0], r.Shape[1])).ToList(), height, width), [height, width]);
        }
    }

    /// <summary>dff: one map per concept of the first layer (target "concept-&lt;i&gt;", no class), with the concept's top classes.</summary>
    private List<CamMap> ConceptMaps(SharedPasses passes)
    {
        var dff = Attribution.DeepFeatureFactorization.Factorize(passes);
        int height = passes.Input.Shape[2], width = passes.Input.Shape[3];
        return dff.Concepts.Select(c => new CamMap(CamRegistry.Dff, $"concept-{c.Index}", null, dff.Layer, c.Heatmap, [dff.Height, dff.Width],
            CamScaling.Normalize(c.Heatmap, dff.Height, dff.Width, height, width), [height, width])
        {
            ConceptClasses = c.Classes?.Select(k => new Prediction(k.Class, Card.Label(k.Class), k.Score, k.Probability)).ToList(),
        }).ToList();
    }

    /// <summary>Each map with its target's geometry, a mask brought to the input's resolution (target names are unique within an explanation).</summary>
    private static List<CamMap> WithGeometry(List<CamMap> maps, SharedPasses passes)
    {
        int height = passes.Input.Shape[2], width = passes.Input.Shape[3];
        var geometry = passes.Targets.Where(t => t.Geometry is not null).DistinctBy(t => t.Name).ToDictionary(t => t.Name, t => t.Geometry switch
        {
            TargetGeometry.Mask mask => mask.AtSize(height, width),
            var other => other!,
        }, StringComparer.Ordinal);
        return maps.Select(m => geometry.TryGetValue(m.Target, out var g) ? m with { Geometry = g } : m).ToList();
    }

    private static CamMap Assemble(string method, CamTarget target, IReadOnlyList<string> layers, List<(float[] Raw, int Height, int Width)> raws, int height, int width) =>
        new(method, target.Name, target.ClassIndex, layers[0], raws[0].Raw, [raws[0].Height, raws[0].Width], CamScaling.Aggregate(raws, height, width), [height, width]);

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
