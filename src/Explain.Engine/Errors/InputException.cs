namespace Explain.Engine.Errors;

/// <summary>A caller-supplied input (tensor, seed, observed name) does not fit the session.</summary>
public sealed class InputException(string message) : EngineException(message);
