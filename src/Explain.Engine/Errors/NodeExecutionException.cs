namespace Explain.Engine.Errors;

/// <summary>An op failed with a non-engine error while running; names the node so the user can find it in the model.</summary>
public sealed class NodeExecutionException : EngineException
{
    public NodeExecutionException(string node, string opType, Exception inner)
        : base($"{opType} failed: {inner.Message}", inner)
    {
        Node = node;
        OpType = opType;
    }

    public string OpType { get; }
}
