using System.Text.Json;

namespace Explain.Cam.Models;

/// <summary>
/// A model's description from its model.json (the model-store format of ARCHITECTURE.md): input
/// geometry, preprocessing (kept as JSON for the imaging library), output names, labels and the
/// default Grad-CAM target layer. Every field is optional so a bare .onnx file still works.
/// </summary>
public sealed record ModelCard
{
    /// <summary>Largest labels file read (ImageNet-21k's names are about 0.5 MB).</summary>
    private const long MaxLabelsBytes = 16L << 20;

    public required string Name { get; init; }

    public required string OnnxPath { get; init; }

    public string? Description { get; init; }

    public string? InputName { get; init; }

    public int? InputHeight { get; init; }

    public int? InputWidth { get; init; }

    /// <summary>The whole model.json, when present (the imaging library reads its input and preprocess parts).</summary>
    public JsonElement? Json { get; init; }

    /// <summary>Name of the pre-softmax score output (what explanations differentiate).</summary>
    public string? ScoresOutput { get; init; }

    public string? ProbabilitiesOutput { get; init; }

    public IReadOnlyList<string> Labels { get; init; } = [];

    public string? DefaultTargetLayer { get; init; }

    /// <summary>The device the model runs on unless the host names one (model.json "device": cpu, cuda[:N], tensorrt[:N]).</summary>
    public string? Device { get; init; }

    /// <summary>
    /// Concept names of a layer's channels (model.json "channel_labels": {"layer": "file.txt"}, one
    /// name per line, line k for channel k, empty lines unnamed), e.g. from Network Dissection.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ChannelLabels { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    public IReadOnlyList<string>? ChannelLabelsFor(string layer) => ChannelLabels.TryGetValue(layer, out var names) ? names : null;

    /// <summary>model.json "reshape" (auto, vit, swin): how the model's target layers become grids unless the caller names one.</summary>
    public Layers.ReshapeTransform? Reshape { get; init; }

    /// <summary>model.json "task": what the output means (classifier unless it says segmentation, detection or embedding).</summary>
    public ModelTask Task { get; init; } = ModelTask.Classifier;

    public string Label(int index) => index >= 0 && index < Labels.Count ? Labels[index] : $"class {index}";

    /// <summary>Reads NAME/model.json (or the model.json beside an .onnx file); a missing file yields a bare card.</summary>
    public static ModelCard ForOnnxFile(string onnxPath)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(onnxPath))!;
        string json = Path.Combine(dir, "model.json");
        var bare = new ModelCard { Name = Path.GetFileNameWithoutExtension(onnxPath), OnnxPath = Path.GetFullPath(onnxPath) };
        return File.Exists(json) ? Parse(File.ReadAllText(json), dir, bare) : bare;
    }

    private static ModelCard Parse(string json, string dir, ModelCard bare)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement.Clone();
        string? Str(JsonElement e, string name) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        int? Int(JsonElement e, string name) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;
        var input = root.TryGetProperty("input", out var i) ? i : default;
        var outputs = root.TryGetProperty("outputs", out var o) ? o : default;
        string labelsPath = Inside(dir, Str(root, "labels") ?? "labels.txt", "labels");
        if (Str(root, "file") is { } file)
            Inside(dir, file, "file");
        return bare with
        {
            Name = Str(root, "name") ?? bare.Name,
            Description = Str(root, "description"),
            InputName = Str(input, "name"),
            InputHeight = Int(input, "height"),
            InputWidth = Int(input, "width"),
            Json = root,
            ScoresOutput = Str(outputs, "scores"),
            ProbabilitiesOutput = Str(outputs, "probabilities"),
            Labels = ReadLabels(labelsPath),
            DefaultTargetLayer = Str(root, "default_target_layer"),
            Device = Str(root, "device"),
            ChannelLabels = ReadChannelLabels(root, dir),
            Task = root.TryGetProperty("task", out var task) ? ModelTask.Parse(task) : ModelTask.Classifier,
            Reshape = Str(root, "reshape") is { } reshape ? Layers.ReshapeTransforms.Parse(reshape) : null,
        };
    }

    /// <summary>
    /// A path named by model.json, resolved with its symbolic links and required to stay in the
    /// model's folder: a card must not make the service read, and Describe return, other files.
    /// </summary>
    private static string Inside(string dir, string relative, string field) =>
        Engine.Onnx.ModelFolder.Resolve(dir, relative)
            ?? throw new FormatException($"model.json: {field} '{Engine.Errors.LogText.Of(relative)}' is not a file inside the model's folder (symbolic links followed)");

    private static Dictionary<string, IReadOnlyList<string>> ReadChannelLabels(JsonElement root, string dir)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (!root.TryGetProperty("channel_labels", out var labels) || labels.ValueKind != JsonValueKind.Object)
            return result;
        foreach (var layer in labels.EnumerateObject())
        {
            if (layer.Value.ValueKind != JsonValueKind.String)
                throw new FormatException($"model.json: channel_labels '{Engine.Errors.LogText.Of(layer.Name)}' must name a file");
            string path = Inside(dir, layer.Value.GetString()!, "channel_labels");
            result[layer.Name] = File.Exists(path) ? ReadLabels(path) : throw new FormatException($"model.json: channel_labels file '{Engine.Errors.LogText.Of(layer.Value.GetString()!)}' does not exist");
        }
        return result;
    }

    private static List<string> ReadLabels(string path)
    {
        if (!File.Exists(path))
            return [];
        if (new FileInfo(path).Length > MaxLabelsBytes)
            throw new FormatException($"model.json: the labels file is over {MaxLabelsBytes} bytes");
        return File.ReadAllLines(path).Select(l => l.Trim()).ToList();
    }
}
