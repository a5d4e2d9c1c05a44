using System.Text.Json.Nodes;
using Explain.Cam.Backends;
using Explain.Engine.Errors;
using Explain.Engine.Graph;
using Explain.Engine.Tensors;

namespace Explain.Cli.Commands;

/// <summary>What `explain import` was told about the model: its task, which output it reads and, for detectors, a row's layout.</summary>
internal sealed record ImportChoices(string Task, string? ScoresOutput, int? BoxColumns, int? ScoreColumns, int? BackgroundClass);

/// <summary>
/// Drafts a model.json from what the execution backend reports (tensor shapes from one run, so any model the
/// backend runs imports: ViT/Swin, detectors): the input size, the output the task reads and its shape
/// checked against the task, the default target layer as the backend chooses it, and torchvision's ImageNet
/// preprocessing stated as a default to check.
/// </summary>
internal static class ModelJsonDraft
{
    public static readonly string[] Tasks = ["classifier", "segmentation", "detection", "embedding"];

    // torchvision's ImageNet recipe (Resize(256) → CenterCrop(224) → Normalize): the most common case; stated, not guessed.
    private static readonly double[] ImageNetMean = [0.485, 0.456, 0.406];
    private static readonly double[] ImageNetStd = [0.229, 0.224, 0.225];

    public static JsonObject Draft(IModelBackend backend, string name, IReadOnlyList<string>? labels, ImportChoices choices, List<string> notes)
    {
        string inputName = backend.InputNames[0];
        var tensors = Describe(backend, inputName, notes);
        var input = tensors.First(t => t.Name == inputName && t.Producer == "input").Shape;
        if (input.Length != 4 || input[1] != 3)
            throw new UsageException($"--onnx: input '{inputName}' has shape {TensorShape.Format(input)}; Explain explains images, [1, 3, H, W].");
        int height = input[2], width = input[3];
        string output = choices.ScoresOutput ?? backend.OutputNames[0];
        if (!backend.OutputNames.Contains(output))
            throw new UsageException($"--scores-output: the model has no output '{output}'; its outputs: {Outputs(backend, tensors)}.");
        var shape = tensors.Last(t => t.Name == output).Shape;
        var task = Task(choices, output, shape, backend, tensors, out int? classes);
        if (labels is null && choices.Task != "embedding")
            throw new UsageException($"--labels: give the class names, one a line (only --task embedding goes without).");
        if (labels is not null && classes is int c && c != labels.Count)
            notes.Add($"output '{output}' has {c} classes but the labels file {labels.Count} lines");
        notes.Add($"outputs.scores = '{output}'" + (choices.ScoresOutput is null ? " (the first output)" : "") + (choices.Task == "classifier" ? ": it must be the pre-softmax logits" : $", task {choices.Task}"));
        notes.Add("preprocessing drafted as torchvision's ImageNet recipe: resize shorter side to height/0.875, centre crop, scale 1/255, mean [0.485, 0.456, 0.406], std [0.229, 0.224, 0.225], RGB; change it if your model was trained otherwise (Keras: docs/own-model.md)");
        var draft = new JsonObject
        {
            ["name"] = name,
            ["description"] = $"{name}, imported by `explain import`",
            ["file"] = "model.onnx",
            ["input"] = new JsonObject { ["name"] = inputName, ["layout"] = "NCHW", ["height"] = height, ["width"] = width, ["channel_order"] = "RGB" },
            ["preprocess"] = new JsonObject
            {
                ["resize_shorter_to"] = (int)Math.Round(Math.Min(height, width) / 0.875),
                ["center_crop"] = new JsonArray(height, width),
                ["interpolation"] = "bilinear",
                ["scale"] = 1.0 / 255.0,
                ["mean"] = new JsonArray(ImageNetMean.Select(v => (JsonNode)v).ToArray()),
                ["std"] = new JsonArray(ImageNetStd.Select(v => (JsonNode)v).ToArray()),
            },
            ["outputs"] = new JsonObject { ["scores"] = output },
            ["task"] = task,
        };
        if (labels is not null)
            draft["labels"] = "labels.txt";
        if (tensors.FirstOrDefault(t => t.IsDefaultTarget)?.Name is { } layer)
        {
            draft["default_target_layer"] = layer;
            notes.Add($"default_target_layer = '{layer}' (the backend's choice: the last 4-D feature map before pooling; `explain layers` lists others)");
        }
        else
        {
            notes.Add("no 4-D feature map to default to: give --layer (token models: `explain layers --reshape vit|swin`) or set default_target_layer");
        }
        return draft;
    }

    /// <summary>Every tensor's shape at batch 1; an input whose size the graph leaves open is drafted 224 × 224.</summary>
    private static IReadOnlyList<TensorInfo> Describe(IModelBackend backend, string input, List<string> notes)
    {
        try
        {
            return backend.DescribeTensors();
        }
        catch (Exception e) when (e is ArgumentException or EngineException)
        {
            notes.Add("the graph leaves the input size open: drafted 224x224; set input.height/width and preprocess.center_crop to your training size");
            return backend.DescribeTensors(new Dictionary<string, int[]> { [input] = [1, 3, 224, 224] });
        }
    }

    /// <summary>The task block, the output's shape checked against the task; <paramref name="classes"/> where the task has classes.</summary>
    private static JsonObject Task(ImportChoices choices, string output, int[] shape, IModelBackend backend, IReadOnlyList<TensorInfo> tensors, out int? classes)
    {
        string Wrong(string expected) =>
            $"--task {choices.Task}: output '{output}' is {TensorShape.Format(shape)}, not {expected}; the model's outputs: {Outputs(backend, tensors)} (--scores-output picks one)";
        var task = new JsonObject { ["kind"] = choices.Task, ["output"] = output };
        classes = null;
        switch (choices.Task)
        {
            case "classifier":
                if (shape.Length != 2)
                    throw new UsageException(Wrong("[1, classes]") + "; a segmentation, detection or embedding model: give --task");
                classes = shape[1];
                break;
            case "segmentation":
                if (shape.Length != 4)
                    throw new UsageException(Wrong("[1, C, H, W]"));
                classes = shape[1];
                break;
            case "detection":
                if (shape.Length != 3)
                    throw new UsageException(Wrong("[1, N, columns] (raw pre-NMS rows)"));
                if (choices.BoxColumns is not int box || choices.ScoreColumns is not int score)
                    throw new UsageException($"--task detection: give --box-columns and --score-columns, where a row of '{output}' ({shape[2]} columns) holds x1, y1, x2, y2 (input pixels) and where its class scores start.");
                if (box + 4 > score || score >= shape[2])
                    throw new UsageException($"--box-columns {box} / --score-columns {score}: a row of '{output}' has {shape[2]} columns; the four box columns come before the scores, which run to the row's end.");
                classes = shape[2] - score;
                task["box_columns"] = box;
                task["score_columns"] = score;
                task["box_format"] = "xyxy";
                task["background_class"] = choices.BackgroundClass ?? 0;
                break;
        }
        return task;
    }

    private static string Outputs(IModelBackend backend, IReadOnlyList<TensorInfo> tensors) =>
        string.Join(", ", backend.OutputNames.Select(o => $"{o} {TensorShape.Format(tensors.LastOrDefault(t => t.Name == o)?.Shape ?? [])}"));
}
