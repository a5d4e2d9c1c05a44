namespace Explain.Cli.Schema;

/// <summary>A model.json that does not match docs/model.schema.json; <see cref="Errors"/> has one line per problem.</summary>
internal sealed class ModelJsonException(string path, IReadOnlyList<string> errors)
    : Exception($"{path} does not match docs/model.schema.json:\n  " + string.Join("\n  ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
