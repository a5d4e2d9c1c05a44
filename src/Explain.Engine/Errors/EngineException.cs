namespace Explain.Engine.Errors;

/// <summary>Base of every error the engine reports about a model, a graph or an input.</summary>
/// <remarks>The executor stamps <see cref="Node"/> on errors raised inside an op so every message names its node.</remarks>
public class EngineException : Exception
{
    public EngineException(string message) : base(message) { }

    public EngineException(string message, Exception inner) : base(message, inner) { }

    /// <summary>The graph node the error arose in, when known.</summary>
    public string? Node { get; set; }

    public override string Message => Node is null ? base.Message : $"node '{Node}': {base.Message}";
}
