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
            """)
        {
            model, images, tensors, methods, layers, classes, topK, targetItems, counterfactual, metrics, eigenSmooth, augSmooth, scoreCamChannels, seed, colormap, threads, backendOption, device, reshape, outDir,
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
                var entries = new List<RunIndexEntry>();
                foreach (var (file, isImage) in inputs)
                {
                    clock.Restart();
                    if (inputs.Count > 1)
                        view.Input(Path.GetFileName(file));
                    var input = isImage ? ExplainInput.FromImage(Path.GetFileName(file), File.ReadAllBytes(file), spec!) : ExplainInput.FromTensor(Path.GetFileName(file), Npy.Read(file));
                    var prepare = new Dictionary<string, double> { ["decode_preprocess"] = clock.Elapsed.TotalMilliseconds };
                    var explanation = explainer.ExplainPair(input.Tensor, reference?.Tensor, options with { Progress = view });
                    string dir = inputs.Count == 1 ? output : Path.Combine(output, folders[file]);
                    var result = ExplanationWriter.Write(dir, input, explanation, info, palette, prepare, reference);
                    entries.Add(new RunIndexEntry(inputs.Count == 1 ? "." : folders[file], result));
                    string what = result.Predictions.Count > 0
                        ? $"{result.Predictions[0].Label} ({result.Predictions[0].Class}, p={result.Predictions[0].Probability:P1})"
                        : $"{card.Task.WireName}, targets {string.Join(", ", explanation.Maps.Select(m => m.Target).Distinct())}";
                    view.Line($"{input.Name}: {what}; {result.Maps.Count} maps in {clock.Elapsed.TotalMilliseconds:F0} ms -> {Path.Combine(dir, "index.html")}");
                }
                if (inputs.Count > 1)
                    view.Line($"{inputs.Count} inputs -> {RunIndexPage.Write(output, entries)}");
                return ExplainApp.Ok;
            });
        });
        return command;
    }
}
