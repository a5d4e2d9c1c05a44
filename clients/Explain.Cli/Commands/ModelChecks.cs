using Explain.Cam.Models;
using Explain.Cli.Schema;
using Explain.Cam.Backends;
using Explain.Imaging.Preprocessing;

namespace Explain.Cli.Commands;

/// <summary>Checks of a command line against the model it names, made before the model's graph loads where the model card allows.</summary>
internal static class ModelChecks
{
    /// <summary>model.json against docs/model.schema.json; a card without model.json passes (a bare .onnx file works).</summary>
    public static void ValidateCard(ModelCard card)
    {
        string json = Path.Combine(Path.GetDirectoryName(card.OnnxPath)!, "model.json");
        if (File.Exists(json))
            ModelJsonSchema.Validate(json);
    }

    /// <summary>--class indices within the model's classes: from labels.txt before loading, from the scores output's shape after.</summary>
    public static void Classes(ModelCard card, IReadOnlyList<int> classes, IModelBackend? model)
    {
        int count = card.Labels.Count;
        if (count == 0 && model is not null && classes.Count > 0)
        {
            string scoresName = card.ScoresOutput ?? model.OutputNames[0];
            var scores = model.DescribeTensors().FirstOrDefault(t => t.Name == scoresName);
            count = scores?.Shape is { Length: > 0 } shape && shape[^1] > 0 ? shape[^1] : 0;
        }
        if (count == 0)
            return;
        foreach (int k in classes.Where(k => k >= count))
            throw new UsageException($"--class {k}: model {card.Name} has {count} classes (0–{count - 1}); `explain infer --model {card.Name} --image F` shows the likely ones.");
    }

    /// <summary>The preprocessing images need, from model.json.</summary>
    public static PreprocessSpec Preprocessing(ModelCard card, string option) => card.Json is { } json
        ? PreprocessSpec.FromModelJson(json)
        : throw new UsageException($"{option}: model {card.Name} has no model.json with preprocessing, so images cannot be prepared for it; give --input-npy tensors, or write a model.json (`explain import`, docs/model-json.md).");
}
