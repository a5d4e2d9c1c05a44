using System.CommandLine;
using System.Diagnostics;
using Explain.Cam;
using Explain.Cam.Inputs;
using Explain.Cam.Output;
using Explain.Cam.Targets;
using Explain.Cli.Parsing;
using Explain.Cli.Terminal;
using Explain.Engine.Tensors;

namespace Explain.Cli.Commands;

/// <summary>
/// `explain run`: explains images (or ready tensors) in process. The model loads once; inputs
/// stream through it; a single input writes into DIR, several into DIR/&lt;stem&gt;/ with an index page in DIR.
/// </summary>
public static class RunCommand
{
    /// <summary>The most inputs `--batch` explains at once (the service's limit is ExplainRequest's).</summary>
    public const int MaxBatch = 64;

    /// <summary>`explain run ARGS` as from the shell (exit code as documented in <see cref="ExplainApp"/>).</summary>
    public static int Run(string[] argv) => ExplainApp.Invoke(["run", .. argv]);

    internal static Command Create(CliConsole console)
    {
        var model = CliOptions.Model();
        var images = CliOptions.Inputs("--image", "image file(s) or folder(s) of .png/.jpg/.jpeg/.jfif, several after one --image", InputFiles.ImageExtensions);
        var tensors = CliOptions.Inputs("--input-npy", "ready input tensor(s) [1,C,H,W] float32 .npy, or folders of them (README: how to make one)", [".npy"]);
        var methods = CliOptions.Methods();
        var layers = CliOptions.Layers();
        var classes = CliOptions.Classes().CheckedAgainst(model);
        var topK = CliOptions.TopK();
        var targetItems = CliOptions.Targets();
        var imageTargets = CliOptions.ImageTargets();
        var extraInputs = CliOptions.ExtraInputs();
        var batchSize = CliOptions.Positive("--batch", $"explain up to N inputs at once, 1-{MaxBatch}: one forward and one backward pass for each batch (inputs of one shape; maps equal one at a time)", 1);
        var counterfactual = CliOptions.Flag("--counterfactual", "explain what speaks AGAINST each class (negated gradients, Grad-CAM paper §5)");
        var metrics = CliOptions.Flag("--metrics", "also score each map's faithfulness (Average Drop / Increase in Confidence in both conventions, deletion/insertion AUC, ROAD, ARCC)");
        var eigenSmooth = CliOptions.Flag("--eigen-smooth", "project weighted activations on their first principal component (less noise)");
        var augSmooth = CliOptions.Flag("--aug-smooth", "average maps over flips and brightness changes (6 runs)");
        var scoreCamChannels = CliOptions.Positive("--scorecam-channels", "Faster Score-CAM: score only the N channels of largest variance (0 = all)", 0, allowZero: true);
        var seed = CliOptions.Positive("--seed", "seed of the noise-based methods (same seed: identical maps)", 0, allowZero: true);
        var colormap = CliOptions.Colormap();
        var threads = CliOptions.Threads();
        var backendOption = CliOptions.Backend();
        var device = CliOptions.Device();
        var reshape = CliOptions.Reshape();
        var outDir = CliOptions.Out("output folder: <method>-c<class>.{npy,raw.npy,png}, result.json, index.html");
        var command = new Command("run", """
            Explain images in process: heatmaps, overlays, result.json and an index.html report.

            Examples:
              explain run --model mobilenet_v2 --image ../shared/data/images/both.png --method gradcam,gradcam++ --class 243,281 --out out/demo
              explain run --model mobilenet_v2 --image ../shared/data/images --method scorecam --top-k 3 --out out/folder
              explain run --model mobilenet_v2 --input-npy x.npy --method layercam --out out/tensor
              explain run --model mobilenet_v2 --image photo.png --target softmax:243 --target labels:243,281 --out out/targets
              explain run --model vit.onnx --input-npy x.npy --reshape vit --layer TOKENS --method gradcam --out out/vit
              explain run --model mobilenet_v2 --image photo.png --backend managed --threads 1 --out out/managed
              explain run --model mobilenet_v2 --image a.png b.png --batch 2 --image-targets logit:243 --image-targets "softmax:281;rest:281" --out out/batch
              explain run --model vqa.onnx --image photo.png --extra-input tokens=question.npy --target output:answers:3 --out out/vqa
            """)
        {
            model, images, tensors, methods, layers, classes, topK, targetItems, imageTargets, extraInputs, batchSize, counterfactual, metrics, eigenSmooth, augSmooth, scoreCamChannels, seed, colormap, threads, backendOption, device, reshape, outDir,
        };
        var attribution = new AttributionCliOptions();
        attribution.AddTo(command);
        var evaluation = new EvaluationCliOptions();
        evaluation.AddTo(command);
        var perturbation = new PerturbationCliOptions();
        perturbation.AddTo(command);
        var variants = new CamVariantCliOptions();
        variants.AddTo(command);
        command.Validators.Add(r =>
        {
            if (r.GetResult(images) is null && r.GetResult(tensors) is null)
                r.AddError("give --image FILE|DIR or --input-npy FILE|DIR (or both).");
            if (r.GetValue(batchSize) > MaxBatch)
                r.AddError($"--batch: at most {MaxBatch} inputs at once, not {r.GetValue(batchSize)}.");
            if (r.GetResult(imageTargets) is not null && (r.GetResult(targetItems) is not null || r.GetResult(classes) is not null || r.GetResult(topK) is { Implicit: false }))
                r.AddError("--image-targets gives every input its own targets; drop --target, --class and --top-k.");
        });
        command.SetAction(p =>
        {
            var card = p.GetValue(model)!;
            var classList = p.GetValue(classes) ?? [];
            var imageFiles = p.GetValue(images) ?? [];
            ModelChecks.ValidateCard(card);
            ModelChecks.Classes(card, classList, null);
            var spec = imageFiles.Count > 0 ? ModelChecks.Preprocessing(card, "--image") : null;
            var inputs = imageFiles.Select(f => (File: f, IsImage: true)).Concat((p.GetValue(tensors) ?? []).Select(f => (File: f, IsImage: false))).ToList();
            var options = new ExplainOptions
            {
                Methods = p.GetValue(methods)!, Layers = p.GetValue(layers) ?? [], Targets = new TargetSelection(classList, p.GetValue(topK), p.GetValue(counterfactual)) { Items = p.GetValue(targetItems) ?? [] },
                Metrics = p.GetValue(metrics), EigenSmooth = p.GetValue(eigenSmooth), AugSmooth = p.GetValue(augSmooth), ScoreCamChannels = p.GetValue(scoreCamChannels),
                Seed = (ulong)p.GetValue(seed),
                Perturbation = perturbation.Parameters(p),
                Attribution = variants.Apply(p, attribution.Attribution(p)),
                Compat = evaluation.Compat(p), Evaluation = evaluation.Evaluation(p),
                Reshape = p.GetValue(reshape) is { } transform ? Cam.Layers.ReshapeTransforms.Parse(transform) : null,
            };
            var backendChoice = Backend.Options(p.GetValue(backendOption), p.GetValue(device), p.GetValue(threads));
            string output = p.GetValue(outDir)!;
            var palette = Imaging.Rendering.Colormap.FromName(p.GetValue(colormap)!);
            return ProgressView.Run(console, view =>
            {
                var clock = Stopwatch.StartNew();
                var backend = view.Step($"loading {card.Name}", () => Backend.Open(card, backendChoice));
                ModelChecks.Classes(card, classList, backend);
                using var explainer = new Explainer(backend, card);
                // A similarity target to a second picture, preprocessed as the model's card says: GAM's pair, a map on each picture.
                var reference = options.Targets.Items.OfType<ImageSimilarityTarget>().FirstOrDefault() is { } similar
                    ? ExplainInput.FromImage("reference", similar.Image, spec ?? ModelChecks.Preprocessing(card, "--target similar:IMAGE"))
                    : null;
                var info = ModelInfo.From(card, backend);
                view.Line($"model {card.Name} loaded in {clock.Elapsed.TotalMilliseconds:F0} ms; methods {string.Join(", ", options.Methods)}");
                var folders = InputFiles.OutputFolders(inputs.Select(i => i.File).ToList());
                var perInput = p.GetResult(imageTargets) is null ? null : p.GetValue(imageTargets);
                if (perInput is not null && perInput.Count != inputs.Count)
                    throw new UsageException($"--image-targets: {perInput.Count} target lists for {inputs.Count} inputs; give one per input, in the inputs' order.");
                int batch = p.GetValue(batchSize);
                if (batch > 1 && reference is not null)
                    throw new UsageException("--batch: a similarity to a second picture (similar:IMAGE) explains a pair of pictures, one input at a time; drop --batch.");
                var extraGiven = p.GetValue(extraInputs) ?? [];
                if (extraGiven.Count > 0 && reference is not null)
                    throw new UsageException("--extra-input: a similarity to a second picture (similar:IMAGE) explains a pair of pictures of a one-input model; drop --extra-input.");
                var extras = ExtraInputFiles.PerInput(extraGiven, inputs.Count);
                var entries = new List<RunIndexEntry>();
                for (int first = 0; first < inputs.Count; first += batch)
                {
                    clock.Restart();
                    var chunk = inputs.Skip(first).Take(batch).ToList();
                    if (inputs.Count > 1)
                        view.Input(chunk.Count == 1 ? Path.GetFileName(chunk[0].File) : $"{Path.GetFileName(chunk[0].File)} … {Path.GetFileName(chunk[^1].File)} ({chunk.Count} in one batch)");
                    var loaded = chunk.Select((c, i) => (c.IsImage ? ExplainInput.FromImage(Path.GetFileName(c.File), File.ReadAllBytes(c.File), spec!) : ExplainInput.FromTensor(Path.GetFileName(c.File), Npy.Read(c.File)))
                        with { Extra = extras[first + i] }).ToList();
                    var prepare = new Dictionary<string, double> { ["decode_preprocess"] = clock.Elapsed.TotalMilliseconds };
                    var targets = chunk.Select((_, i) => perInput is null ? options.Targets : TargetSelection.Of(perInput[first + i])).ToList();
                    var explanations = reference is not null
                        ? [explainer.ExplainPair(loaded[0].Tensor, reference.Tensor, options with { Targets = targets[0], Progress = view })]
                        : explainer.ExplainBatch(loaded.Select(x => x.Tensor).ToList(), loaded.Select(x => x.Extra).ToList(), targets, options with { Progress = view });
                    for (int i = 0; i < chunk.Count; i++)
                    {
                        var (input, explanation, file) = (loaded[i], explanations[i], chunk[i].File);
                        string dir = inputs.Count == 1 ? output : Path.Combine(output, folders[file]);
                        var result = ExplanationWriter.Write(dir, input, explanation, info, palette, prepare, reference);
                        entries.Add(new RunIndexEntry(inputs.Count == 1 ? "." : folders[file], result));
                        string what = result.Predictions.Count > 0
                            ? $"{result.Predictions[0].Label} ({result.Predictions[0].Class}, p={result.Predictions[0].Probability:P1})"
                            : $"{card.Task.WireName}, targets {string.Join(", ", explanation.Maps.Select(m => m.Target).Distinct())}";
                        string took = chunk.Count > 1 ? $"in a batch of {chunk.Count} ({clock.Elapsed.TotalMilliseconds:F0} ms for the batch)" : $"in {clock.Elapsed.TotalMilliseconds:F0} ms";
                        view.Line($"{input.Name}: {what}; {result.Maps.Count} maps {took} -> {Path.Combine(dir, "index.html")}");
                    }
                }
                if (inputs.Count > 1)
                    view.Line($"{inputs.Count} inputs -> {RunIndexPage.Write(output, entries)}");
                return ExplainApp.Ok;
            });
        });
        return command;
    }
}
