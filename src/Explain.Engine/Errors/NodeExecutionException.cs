namespace Explain.Engine.Errors;

/// <summary>An op failed while running; names the node so the user can find it in the model.</summary>
public sealed class NodeExecutionException(string node, string opType, Exception inner)
    : EngineException($"node '{node}' ({opType}): {inner.Message}", inner)
{
    public string Node { get; } = node;

    public string OpType { get; } = opType;
}
