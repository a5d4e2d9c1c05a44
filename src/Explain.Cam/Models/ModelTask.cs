using System.Text.Json;

namespace Explain.Cam.Models;

/// <summary>What a model's output means, so default targets and overlays fit it.</summary>
public enum ModelTaskKind
{
    /// <summary>Scores per class (the default): targets are classes.</summary>
    Classifier,

    /// <summary>Per-pixel class scores [1, C, H, W]: targets are a class over a region of pixels.</summary>
    Segmentation,

    /// <summary>Raw pre-NMS detections [1, N, columns]: each row a box and per-class scores; targets are reference boxes.</summary>
    Detection,

    /// <summary>An embedding [1, D]: targets are similarities to a reference embedding.</summary>
    Embedding,
}

/// <summary>
/// model.json's "task" block: which output the task reads and, for detectors, the layout of a row of
/// the raw head (box corners x1, y1, x2, y2 in input pixels at <see cref="BoxColumn"/>.., class scores
/// at <see cref="ScoreColumn"/>.., class <see cref="BackgroundClass"/> the background).
/// </summary>
public sealed record ModelTask(ModelTaskKind Kind, string? Output, int BoxColumn = 0, int ScoreColumn = 4, int BackgroundClass = 0)
{
    public static ModelTask Classifier { get; } = new(ModelTaskKind.Classifier, null);

    public string WireName => Kind switch
    {
        ModelTaskKind.Segmentation => "segmentation",
        ModelTaskKind.Detection => "detection",
        ModelTaskKind.Embedding => "embedding",
        _ => "classifier",
    };

    /// <summary>Parses a "task" object; unknown kinds and bad columns are <see cref="FormatException"/>s naming the field.</summary>
    public static ModelTask Parse(JsonElement task)
    {
        if (task.ValueKind != JsonValueKind.Object)
            throw new FormatException("model.json: task must be an object");
        string? Str(string name) => task.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        int Int(string name, int fallback)
        {
            if (!task.TryGetProperty(name, out var v))
                return fallback;
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int n) || n < 0 || n > 1 << 20)
                throw new FormatException($"model.json: task.{name} must be an integer 0..{1 << 20}");
            return n;
        }
        var kind = (Str("kind") ?? "classifier") switch
        {
            "classifier" => ModelTaskKind.Classifier,
            "segmentation" => ModelTaskKind.Segmentation,
            "detection" => ModelTaskKind.Detection,
            "embedding" => ModelTaskKind.Embedding,
            var other => throw new FormatException($"model.json: task.kind '{Engine.Errors.LogText.Of(other)}' is not classifier, segmentation, detection or embedding"),
        };
        if (Str("box_format") is { } format && format != "xyxy")
            throw new FormatException($"model.json: task.box_format '{Engine.Errors.LogText.Of(format)}' is not supported (xyxy)");
        var result = new ModelTask(kind, Str("output"), Int("box_columns", 0), Int("score_columns", 4), Int("background_class", 0));
        if (kind == ModelTaskKind.Detection && result.ScoreColumn < result.BoxColumn + 4 && result.BoxColumn < result.ScoreColumn + 1)
            throw new FormatException("model.json: task.box_columns and task.score_columns overlap (the box takes four columns)");
        return result;
    }
}
