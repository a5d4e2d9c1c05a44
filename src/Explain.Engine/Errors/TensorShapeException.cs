namespace Explain.Engine.Errors;

/// <summary>A shape is invalid, too large or incompatible with an operation.</summary>
public sealed class TensorShapeException(string message) : EngineException(message);
