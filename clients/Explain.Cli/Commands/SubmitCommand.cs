using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Explain.Cam.Inputs;
using Explain.Cam.Output;
using Explain.Cli.Parsing;
using Explain.Cli.Terminal;
using Explain.Client;
using Grpc.Core;
using Explain.Imaging.Preprocessing;
using Explain.V1;
using Google.Protobuf;

namespace Explain.Cli.Commands;

/// <summary>
/// `explain submit`: sends images (files or folders) to a running service (Explainer.Explain),
/// shows the job's PROGRESS events as bars (plain lines when not on a terminal) while each job runs and writes the same files as `explain run` (maps,
/// overlays drawn locally from the maps, result.json, index.html; several images into DIR/&lt;stem&gt;/).
/// </summary>
public static class SubmitCommand
{
    /// <summary>`explain submit ARGS` as from the shell (exit code as documented in <see cref="ExplainApp"/>).</summary>
    public static int Run(string[] argv) => ExplainApp.Invoke(["submit", .. argv]);

    internal static Command Create(CliConsole console)
    {
        var server = new Option<Uri>("--server", "-s")
        {
            Description = "the service's gRPC address; host:port alone means http://host:port",
            HelpName = "URL",
            DefaultValueFactory = _ => new Uri("http://127.0.0.1:50051"),
            CustomParser = r => ParseServer(r),
        };
        var model = new Option<string>("--model", "-m") { Description = "a model name on the server (its Models.List)", Required = true, HelpName = "NAME" };
        var images = CliOptions.Inputs("--image", "image file(s) or folder(s) of .png/.jpg/.jpeg/.jfif", InputFiles.ImageExtensions);
        images.Required = true;
        var methods = CliOptions.Methods();
        var layers = CliOptions.Layers();
        var classes = CliOptions.Classes();
        var topK = CliOptions.TopK();
        var targetItems = CliOptions.Targets();
        var imageTargets = CliOptions.ImageTargets();
        var extraInputs = CliOptions.ExtraInputs();
        var batchSize = CliOptions.Positive("--batch", $"send up to N images (1-{MaxBatch}) as one batch job: one forward and one backward pass for all of them (ExplainRequest.images)", 1);
        var counterfactual = CliOptions.Flag("--counterfactual", "explain what speaks AGAINST each class");
        var metrics = CliOptions.Flag("--metrics", "also score each map's faithfulness");
        var colormap = CliOptions.Colormap();
        var timeout = CliOptions.Positive("--timeout", "seconds to wait for each job", 300);
        var outDir = CliOptions.Out("output folder, as `explain run` writes it");
        var command = new Command("submit", """
            Explain images on a running service (`explain serve`) and write what `explain run` writes.

            Examples:
              explain submit --server http://127.0.0.1:50051 --model mobilenet_v2 --image ../shared/data/images/both.png --method gradcam --out out/remote
              explain submit --server 127.0.0.1:50051 --model mobilenet_v2 --image ../shared/data/images --method gradcam,layercam --out out/remote-folder
              explain submit --server 127.0.0.1:50051 --model mobilenet_v2 --image a.png b.png --batch 2 --image-targets logit:243 --image-targets softmax:281 --out out/remote-batch
              explain submit --server 127.0.0.1:50051 --model vqa_toy --image photo.png --extra-input tokens=question.npy --out out/remote-vqa
            """) { server, model, images, methods, layers, classes, topK, targetItems, imageTargets, extraInputs, batchSize, counterfactual, metrics, colormap, timeout, outDir };
        command.Validators.Add(r =>
        {
            if (r.GetValue(batchSize) > MaxBatch)
                r.AddError($"--batch: at most {MaxBatch} images per job, not {r.GetValue(batchSize)} (the service's limit).");
            if (r.GetResult(imageTargets) is not null && (r.GetResult(targetItems) is not null || r.GetResult(classes) is not null || r.GetResult(topK) is { Implicit: false }))
                r.AddError("--image-targets gives every image its own targets; drop --target, --class and --top-k.");
        });
        var seed = CliOptions.Positive("--seed", "seed of the noise-based methods (same seed: identical maps)", 0, allowZero: true);
        command.Options.Add(seed);
        var attribution = new AttributionCliOptions();
        attribution.AddTo(command);
        var evaluation = new EvaluationCliOptions();
        evaluation.AddTo(command);
        var perturbation = new PerturbationCliOptions();
        perturbation.AddTo(command);
        var variants = new CamVariantCliOptions();
        variants.AddTo(command);
        command.SetAction(async (p, cancellationToken) =>
        {
            var files = p.GetValue(images)!;
            string output = p.GetValue(outDir)!;
            var folders = InputFiles.OutputFolders(files);
            using var client = new ExplainClient(p.GetValue(server)!.ToString().TrimEnd('/'));
            var perImage = p.GetResult(imageTargets) is null ? null : p.GetValue(imageTargets);
            if (perImage is not null && perImage.Count != files.Count)
            {
                console.Error.WriteLine($"explain submit: --image-targets: {perImage.Count} target lists for {files.Count} images; give one per image, in the images' order.");
                return ExplainApp.UsageError;
            }
            int batch = p.GetValue(batchSize);
            var extras = ExtraInputFiles.PerInput(p.GetValue(extraInputs) ?? [], files.Count);
            var entries = new List<RunIndexEntry>();
            for (int first = 0; first < files.Count; first += batch)
            {
                var chunk = files.Skip(first).Take(batch).ToList();
                var dirs = chunk.Select(file => files.Count == 1 ? output : Path.Combine(output, folders[file])).ToList();
                var results = await SubmitOne(console, client, chunk, dirs, new Request(p.GetValue(model)!, p.GetValue(methods)!, p.GetValue(layers) ?? [], p.GetValue(classes) ?? [],
                    p.GetValue(topK), p.GetValue(counterfactual), p.GetValue(metrics), Imaging.Rendering.Colormap.FromName(p.GetValue(colormap)!), p.GetValue(timeout))
                {
                    Compat = evaluation.ApiCompat(p), Parameters = variants.Fill(p, perturbation.AddTo(Parameters(p, attribution, evaluation), p)), Seed = (ulong)p.GetValue(seed), Targets = p.GetValue(targetItems) ?? [],
                    ImageTargets = perImage?.Skip(first).Take(chunk.Count).ToList(),
                    ExtraInputs = extras.Skip(first).Take(chunk.Count).ToList(),
                });
                if (results is null)
                    return ExplainApp.RuntimeError;
                entries.AddRange(chunk.Select((file, i) => new RunIndexEntry(files.Count == 1 ? "." : folders[file], results[i])));
            }
            if (files.Count > 1)
                console.Out.WriteLine($"{files.Count} images -> {RunIndexPage.Write(output, entries)}");
            return ExplainApp.Ok;
        });
        return command;
    }

    private sealed record Request(string Model, List<string> Methods, List<string> Layers, List<int> Classes, int TopK, bool Counterfactual, bool Metrics,
        Imaging.Rendering.Colormap Colormap, int TimeoutSeconds)
    {
        public Compat Compat { get; init; }

        public MethodParameters? Parameters { get; init; }

        public IReadOnlyList<Cam.Targets.CamTarget> Targets { get; init; } = [];

        public ulong Seed { get; init; }

        /// <summary>Each image's own targets (--image-targets), in the chunk's order; null: <see cref="Targets"/> for every image.</summary>
        public IReadOnlyList<List<Cam.Targets.CamTarget>>? ImageTargets { get; init; }

        /// <summary>Each image's extra inputs (--extra-input), in the chunk's order; empty sets for a one-input model.</summary>
        public IReadOnlyList<IReadOnlyDictionary<string, Engine.Tensors.Tensor>> ExtraInputs { get; init; } = [];
    }

    /// <summary>Extra input tensors as the request carries them (InputTensor: name, shape, floats or ints).</summary>
    private static IEnumerable<InputTensor> ProtoInputs(IReadOnlyDictionary<string, Engine.Tensors.Tensor> extras) => extras.Select(e =>
    {
        var tensor = new InputTensor { Name = e.Key };
        tensor.Shape.AddRange(e.Value.Shape);
        if (e.Value.Type == Engine.Tensors.DataType.Int64)
            tensor.Ints.AddRange(e.Value.Longs);
        else
            tensor.Floats.AddRange(e.Value.Floats.ToArray());
        return tensor;
    });

    /// <summary>The most images one batch job takes (JobLimits.MaxBatchImages, documented in explainer.proto).</summary>
    public const int MaxBatch = 8;

    /// <summary>The attribution (fields 1–5) and evaluation (40–59) choices in one MethodParameters.</summary>
    internal static MethodParameters Parameters(System.CommandLine.ParseResult p, AttributionCliOptions attribution, EvaluationCliOptions evaluation)
    {
        var parameters = evaluation.Parameters(p);
        attribution.ApplyTo(parameters, p);
        return parameters;
    }

    /// <summary>
    /// One job for <paramref name="images"/>: one image as ExplainRequest.image, several as a batch (images, and
    /// image_targets when each has its own); each image's explanation is written into its folder as `explain run` writes it.
    /// </summary>
    private static async Task<List<ResultDocument>?> SubmitOne(CliConsole console, ExplainClient client, IReadOnlyList<string> images, IReadOnlyList<string> outDirs, Request r)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var card = await client.DescribeModelAsync(r.Model);
            var bytes = new List<byte[]>();
            foreach (var image in images)
                bytes.Add(await File.ReadAllBytesAsync(image));
            var targets = new Targets { TopK = r.TopK, Counterfactual = r.Counterfactual };
            targets.Classes.AddRange(r.Classes);
            targets.Items.AddRange(r.Targets.Select(ProtoTargets.From));
            var request = new ExplainRequest
            {
                IdempotencyKey = Guid.NewGuid().ToString("N"), Model = r.Model,
                Options = new V1.ExplainOptions { Metrics = r.Metrics, OmitOverlay = true, Resolution = MapResolution.Both, Compat = r.Compat, Parameters = r.Parameters, Seed = r.Seed, Progress = true },
            };
            if (images.Count == 1 && r.ImageTargets is null)
                (request.Image, request.Targets) = (ByteString.CopyFrom(bytes[0]), targets);
            else
            {
                request.Images.AddRange(bytes.Select(ByteString.CopyFrom));
                if (r.ImageTargets is { } own)
                    request.ImageTargets.AddRange(own.Select(list => new Targets { Items = { list.Select(ProtoTargets.From) } }));
                else
                    request.Targets = targets;
            }
            // One set for every image (the same object) as extra_inputs, else each image's own as image_extra_inputs.
            if (r.ExtraInputs.Count > 0 && r.ExtraInputs[0].Count > 0)
            {
                if (images.Count == 1 || r.ExtraInputs.All(e => ReferenceEquals(e, r.ExtraInputs[0])))
                    request.ExtraInputs.AddRange(ProtoInputs(r.ExtraInputs[0]));
                else
                    request.ImageExtraInputs.AddRange(r.ExtraInputs.Select(e => new InputTensors { Items = { ProtoInputs(e) } }));
            }
            request.Methods.AddRange(r.Methods);
            request.Layers.AddRange(r.Layers);
            var remote = new RemoteExplanation();
            var last = await ProgressView.RunAsync(console, view => Follow(console, view, client.ExplainAsync(request, DateTime.UtcNow.AddSeconds(r.TimeoutSeconds)), remote, clock));
            if (last?.KindCase != JobEvent.KindOneofCase.Completed)
                return null;
            using var json = JsonDocument.Parse(card.CardJson);
            var info = new ModelInfo(card.Name, card.Labels, card.Opset, card.Producer);
            var results = new List<ResultDocument>();
            for (int i = 0; i < images.Count; i++)
            {
                var input = ExplainInput.FromImage(Path.GetFileName(images[i]), bytes[i], PreprocessSpec.FromModelJson(json.RootElement))
                    with { Extra = r.ExtraInputs.Count > i ? r.ExtraInputs[i] : new Dictionary<string, Engine.Tensors.Tensor>() };
                var reference = r.Targets.OfType<Cam.Targets.ImageSimilarityTarget>().FirstOrDefault() is { } similar
                    ? ExplainInput.FromImage("reference", similar.Image, PreprocessSpec.FromModelJson(json.RootElement))
                    : null;
                var explanation = remote.ToExplanation(i);
                var result = ExplanationWriter.Write(outDirs[i], input, explanation, info, r.Colormap, new Dictionary<string, double> { ["round_trip"] = clock.Elapsed.TotalMilliseconds }, reference);
                // Non-classifiers (segmentation, detection, embedding) list no predictions: the line names the task and targets, as `explain run`'s does.
                string what = result.Predictions.Count > 0
                    ? $"{result.Predictions[0].Label} ({result.Predictions[0].Class}, p={result.Predictions[0].Probability:P1})"
                    : $"{TaskKind(json.RootElement)}, targets {string.Join(", ", explanation.Maps.Select(m => m.Target).Distinct())}";
                string took = images.Count > 1 ? $"in a batch of {images.Count} ({clock.Elapsed.TotalMilliseconds:F0} ms for the job)" : $"in {clock.Elapsed.TotalMilliseconds:F0} ms";
                console.Out.WriteLine($"{input.Name}: {what}; {result.Maps.Count} maps {took} -> {Path.Combine(outDirs[i], "index.html")}");
                results.Add(result);
            }
            return results;
        }
        catch (RpcException e)
        {
            console.Error.WriteLine();
            console.Error.WriteLine($"explain submit: {e.StatusCode}: {e.Status.Detail} (server {client.Address})");
            return null;
        }
    }

    /// <summary>
    /// Reads the job's events into <paramref name="remote"/>: PROGRESS drives the bars (plain lines
    /// off a terminal, as `explain run` prints them), every other event gets a line; returns the last one.
    /// </summary>
    private static async Task<JobEvent?> Follow(CliConsole console, ProgressView view, IAsyncEnumerable<JobEvent> events, RemoteExplanation remote, Stopwatch clock)
    {
        JobEvent? last = null;
        await foreach (var e in events)
        {
            remote.Add(e);
            last = e;
            if (e.KindCase == JobEvent.KindOneofCase.Progress)
            {
                view.Report(new Explain.Cam.ExplainProgress(e.Progress.Stage, e.Progress.Done, e.Progress.Total));
                continue;
            }
            if (e.KindCase == JobEvent.KindOneofCase.Heatmap && view.Live)
            {
                view.Report(new Explain.Cam.ExplainProgress("heatmaps", remote.MapsReceived, e.Heatmap.Count));
                continue;
            }
            string line = RemoteExplanation.Progress(e.JobId, e, remote, clock.Elapsed);
            if (view.Live)
                view.Line(line);
            else
                console.Error.WriteLine(line);
        }
        return last;
    }

    private static Uri ParseServer(System.CommandLine.Parsing.ArgumentResult r)
    {
        string text = r.Tokens[^1].Value.Trim();
        // "127.0.0.1:50051" parses as a URI with scheme "127.0.0.1"; a scheme-less address means h2c.
        string withScheme = text.Contains("://", StringComparison.Ordinal) ? text : "http://" + text;
        if (Uri.TryCreate(withScheme, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0)
            return uri;
        r.AddError($"--server: '{text}' is not a server address like http://127.0.0.1:50051 (or 127.0.0.1:50051).");
        return null!;
    }

    private static string TaskKind(JsonElement card) =>
        card.TryGetProperty("task", out var task) && task.TryGetProperty("kind", out var kind) && kind.GetString() is { Length: > 0 } k ? k : "classifier";
}
