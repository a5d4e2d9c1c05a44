namespace Explain.Engine.Errors;

/// <summary>The graph is malformed: a cycle, a missing initializer or input, a dangling output.</summary>
public sealed class GraphException(string message) : EngineException(message);
