namespace Explain.Engine.Errors;

/// <summary>Base of every error the engine reports about a model, a graph or an input.</summary>
public class EngineException : Exception
{
    public EngineException(string message) : base(message) { }

    public EngineException(string message, Exception inner) : base(message, inner) { }
}
