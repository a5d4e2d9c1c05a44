using System.Text.Json;
using Json.Schema;

namespace Explain.Cli.Schema;

/// <summary>
/// Validates model.json against docs/model.schema.json (embedded in the program), plus what a
/// schema cannot say: the labels file exists and center_crop equals the input size.
/// </summary>
internal static class ModelJsonSchema
{
    private static readonly Lazy<JsonSchema> Schema = new(() =>
    {
        using var stream = typeof(ModelJsonSchema).Assembly.GetManifestResourceStream("model.schema.json")
            ?? throw new InvalidOperationException("model.schema.json is not embedded");
        using var reader = new StreamReader(stream);
        return JsonSchema.FromText(reader.ReadToEnd());
    });

    /// <summary>The schema's text, as shipped.</summary>
    public static string Text()
    {
        using var stream = typeof(ModelJsonSchema).Assembly.GetManifestResourceStream("model.schema.json")!;
        return new StreamReader(stream).ReadToEnd();
    }

    /// <exception cref="ModelJsonException">The file is not JSON or breaks the schema.</exception>
    public static void Validate(string path)
    {
        var errors = Check(File.ReadAllText(path), Path.GetDirectoryName(Path.GetFullPath(path))!);
        if (errors.Count > 0)
            throw new ModelJsonException(path, errors);
    }

    /// <summary>Every problem of a model.json text, "location: message" (empty when valid).</summary>
    public static IReadOnlyList<string> Check(string json, string directory)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            return [$"not JSON: {e.Message}"];
        }
        using (doc)
        {
            var root = doc.RootElement;
            var result = Schema.Value.Evaluate(root, new EvaluationOptions { OutputFormat = OutputFormat.List });
            var errors = (result.Details ?? [])
                .Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => Message(d.InstanceLocation.ToString(), e.Value)))
                .Distinct().ToList();
            if (result.IsValid)
                errors.AddRange(Semantics(root, directory));
            else if (errors.Count == 0)
                errors.Add("does not match the schema");
            return errors;
        }
    }

    /// <summary>JsonSchema.Net's words, except for a field the schema does not know ("fails against the false schema"), which gets its name and the nearest known one.</summary>
    private static string Message(string pointer, string message)
    {
        if (!message.Contains("false schema", StringComparison.Ordinal))
            return $"{Location(pointer)}: {message}";
        var segments = pointer.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var known = KnownFields(segments[..^1]);
        return $"{Location(pointer)}: unknown field '{segments[^1]}'.{Parsing.Suggestions.DidYouMean(segments[^1], known)} Known here: {string.Join(", ", known)}.";
    }

    private static List<string> KnownFields(string[] parents)
    {
        using var schema = JsonDocument.Parse(Text());
        var node = schema.RootElement;
        foreach (var segment in parents)
            if (!node.TryGetProperty("properties", out var properties) || !properties.TryGetProperty(segment, out node))
                return [];
        return node.TryGetProperty("properties", out var p) ? p.EnumerateObject().Select(x => x.Name).ToList() : [];
    }

    private static string Location(string pointer) => pointer is "" or "#" ? "(top level)" : pointer.TrimStart('#');

    private static IEnumerable<string> Semantics(JsonElement root, string directory)
    {
        // labels.txt is optional (classes are then "class k"); a labels file that is named must exist.
        if (root.TryGetProperty("labels", out var l) && l.GetString() is { } labels && !File.Exists(Path.Combine(directory, labels)))
            yield return $"/labels: file '{labels}' not found beside model.json (one class name a line)";
        var input = root.GetProperty("input");
        if (root.GetProperty("preprocess").TryGetProperty("center_crop", out var crop)
            && (crop[0].GetInt32() != input.GetProperty("height").GetInt32() || crop[1].GetInt32() != input.GetProperty("width").GetInt32()))
            yield return $"/preprocess/center_crop: {crop} must equal [input.height, input.width]";
    }
}
