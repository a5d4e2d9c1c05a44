using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Explain.Cam;
using Explain.Cam.Models;
using Explain.Cli.Schema;
using Explain.Cli.Terminal;
using Explain.Engine.Onnx;

namespace Explain.Cli.Commands;

/// <summary>
/// `explain import`: drafts a model.json for an ONNX classifier (input size from the graph, scores
/// output, default layer as the engine chooses it, torchvision ImageNet preprocessing stated as a
/// default to check) into a model-store folder, and validates it.
/// </summary>
internal static class ImportCommand
{
    // torchvision's ImageNet recipe (Resize(256) → CenterCrop(224) → Normalize): the most common case; stated, not guessed.
    private static readonly double[] ImageNetMean = [0.485, 0.456, 0.406];
    private static readonly double[] ImageNetStd = [0.229, 0.224, 0.225];

    public static Command Create(CliConsole console)
    {
        var onnx = new Option<FileInfo>("--onnx") { Description = "the exported ONNX classifier", Required = true, HelpName = "FILE.onnx" };
        var labels = new Option<FileInfo>("--labels") { Description = "class names, one a line (line i = class i)", Required = true, HelpName = "FILE.txt" };
        var outDir = new Option<string>("--out", "-o") { Description = "model-store folder to write (model.onnx, model.json, labels.txt) [default: <store>/<name>]", HelpName = "DIR" };
        var name = new Option<string>("--name") { Description = "model name [default: the .onnx file's name]", HelpName = "NAME" };
        var force = new Option<bool>("--force") { Description = "overwrite an existing model.json" };
        onnx.AcceptExistingOnly();
        labels.AcceptExistingOnly();
        var command = new Command("import", """
            Draft a model.json for your own ONNX classifier and make it a model-store entry; check the drafted preprocessing (docs/own-model.md).

            Example:
              explain import --onnx resnet18.onnx --labels imagenet.txt --out models/resnet18
            """) { onnx, labels, outDir, name, force };
        command.SetAction(p =>
        {
            var onnxFile = p.GetValue(onnx)!;
            var labelsFile = p.GetValue(labels)!;
            string modelName = p.GetValue(name) ?? Path.GetFileNameWithoutExtension(onnxFile.Name);
            string dir = Path.GetFullPath(p.GetValue(outDir) ?? Path.Combine(ModelStore.Default().Root, modelName));
            string jsonPath = Path.Combine(dir, "model.json");
            if (File.Exists(jsonPath) && !p.GetValue(force))
                throw new UsageException($"--out: {jsonPath} exists; give --force to overwrite it.");
            var model = OnnxModel.Load(onnxFile.FullName);
            var labelLines = File.ReadAllLines(labelsFile.FullName).Select(l => l.Trim()).ToList();
            var draft = Draft(model, modelName, labelLines, out var notes);
            Directory.CreateDirectory(dir);
            string target = Path.Combine(dir, "model.onnx");
            if (!string.Equals(Path.GetFullPath(onnxFile.FullName), target, StringComparison.Ordinal))
                File.Copy(onnxFile.FullName, target, overwrite: true);
            File.WriteAllLines(Path.Combine(dir, "labels.txt"), labelLines);
            File.WriteAllText(jsonPath, draft.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
            ModelJsonSchema.Validate(jsonPath);
            console.Out.WriteLine($"wrote {jsonPath} (valid against docs/model.schema.json), model.onnx and labels.txt ({labelLines.Count} classes)");
            foreach (var note in notes)
                console.Out.WriteLine("  note: " + note);
            console.Out.WriteLine($"try it: explain run --model {target} --image IMAGE --method gradcam --out out/{modelName}");
            return ExplainApp.Ok;
        });
        return command;
    }

    private static JsonObject Draft(OnnxModel model, string name, IReadOnlyList<string> labels, out List<string> notes)
    {
        notes = [];
        var input = model.Inputs[0];
        if (input.Shape.Length != 4 || input.Shape[1] != 3)
            throw new UsageException($"--onnx: input '{input.Name}' has shape [{string.Join(", ", input.Shape)}]; Explain explains image classifiers taking [1, 3, H, W].");
        int height = input.Shape[2], width = input.Shape[3];
        if (height <= 0 || width <= 0)
        {
            (height, width) = (224, 224);
            notes.Add("the graph leaves the input size open: drafted 224x224; set input.height/width and preprocess.center_crop to your training size");
        }
        var scores = model.Outputs[0];
        int classes = scores.Shape.Length > 0 ? scores.Shape[^1] : 0;
        if (classes > 0 && classes != labels.Count)
            notes.Add($"the scores output '{scores.Name}' has {classes} classes but the labels file {labels.Count} lines");
        notes.Add($"outputs.scores = '{scores.Name}' (the first output): it must be the pre-softmax logits");
        notes.Add("preprocessing drafted as torchvision's ImageNet recipe: resize shorter side to height/0.875, centre crop, scale 1/255, mean [0.485, 0.456, 0.406], std [0.229, 0.224, 0.225], RGB; change it if your model was trained otherwise (Keras: docs/own-model.md)");
        var card = new ModelCard { Name = name, OnnxPath = "", Labels = labels };
        string layer;
        using (var explainer = new Explainer(new Backends.Managed.ManagedBackend(model), card))
            layer = explainer.DefaultLayer();
        notes.Add($"default_target_layer = '{layer}' (the engine's choice: the last 4-D feature map before pooling; `explain layers` lists others)");
        return new JsonObject
        {
            ["name"] = name,
            ["description"] = $"{name}, imported by `explain import`",
            ["file"] = "model.onnx",
            ["input"] = new JsonObject { ["name"] = input.Name, ["layout"] = "NCHW", ["height"] = height, ["width"] = width, ["channel_order"] = "RGB" },
            ["preprocess"] = new JsonObject
            {
                ["resize_shorter_to"] = (int)Math.Round(Math.Min(height, width) / 0.875),
                ["center_crop"] = new JsonArray(height, width),
                ["interpolation"] = "bilinear",
                ["scale"] = 1.0 / 255.0,
                ["mean"] = new JsonArray(ImageNetMean.Select(v => (JsonNode)v).ToArray()),
                ["std"] = new JsonArray(ImageNetStd.Select(v => (JsonNode)v).ToArray()),
            },
            ["outputs"] = new JsonObject { ["scores"] = scores.Name },
            ["labels"] = "labels.txt",
            ["default_target_layer"] = layer,
        };
    }
}
