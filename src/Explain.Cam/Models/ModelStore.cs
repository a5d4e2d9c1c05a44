using Explain.Engine.Errors;

namespace Explain.Cam.Models;

/// <summary>
/// A folder of models, each NAME/model.onnx + NAME/model.json + NAME/labels.txt. Resolves a user's
/// --model argument: a path to an .onnx file, or a name in the store.
/// </summary>
public sealed class ModelStore(string root)
{
    /// <summary>The store folder: $EXPLAIN_MODEL_STORE, else $EXPLAIN_SHARED/models, else ../shared/models beside the repository holding this program.</summary>
    public static ModelStore Default()
    {
        if (Environment.GetEnvironmentVariable("EXPLAIN_MODEL_STORE") is { Length: > 0 } env)
            return new(env);
        if (Environment.GetEnvironmentVariable("EXPLAIN_SHARED") is { Length: > 0 } shared)
            return new(Path.Combine(shared, "models"));
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Explain.sln")))
                    return new(Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "models")));
        return new(Path.Combine(Directory.GetCurrentDirectory(), "models"));
    }

    public string Root { get; } = root;

    public IEnumerable<string> Names => Directory.Exists(Root)
        ? Directory.EnumerateDirectories(Root).Where(d => File.Exists(Path.Combine(d, "model.onnx"))).Select(Path.GetFileName).OfType<string>().Order()
        : [];

    /// <summary>Whether the store has a model of that name: a plain folder name (no separator, no "..") holding model.onnx; one stat, no folder listing (every Submit asks).</summary>
    public bool Contains(string name) =>
        !string.IsNullOrEmpty(name) && name.IndexOfAny(['/', '\\']) < 0 && !name.Contains("..", StringComparison.Ordinal) && File.Exists(Path.Combine(Root, name, "model.onnx"));

    public ModelCard Resolve(string model)
    {
        if (model.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) || File.Exists(model))
        {
            if (!File.Exists(model))
                throw new FileNotFoundException($"model file '{LogText.Of(model)}' not found", model);
            return ModelCard.ForOnnxFile(model);
        }
        if (model.Contains('/') || model.Contains('\\') || model.Contains(".."))
            throw new ArgumentException($"model name '{LogText.Of(model)}' is not a name in the model store");
        string path = Path.Combine(Root, model, "model.onnx");
        if (!File.Exists(path))
            throw new FileNotFoundException($"no model '{LogText.Of(model)}' in the model store {Root} (have: {string.Join(", ", Names)})", path);
        return ModelCard.ForOnnxFile(path);
    }
}
