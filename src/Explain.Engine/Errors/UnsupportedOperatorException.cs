namespace Explain.Engine.Errors;

/// <summary>The model uses operators the engine does not implement; lists all of them at once.</summary>
public sealed class UnsupportedOperatorException(IReadOnlyList<string> operators)
    : EngineException("unsupported operators: " + string.Join("; ", operators))
{
    /// <summary>One entry per distinct operator: "Domain::OpType (opset N) at node NAME".</summary>
    public IReadOnlyList<string> Operators { get; } = operators;
}
