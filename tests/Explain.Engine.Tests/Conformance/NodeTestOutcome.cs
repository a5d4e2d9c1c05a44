namespace Explain.Engine.Tests.Conformance;

public enum NodeTestOutcome
{
    Passed,
    Failed,

    /// <summary>The engine declines the model or its data at load: an operator or feature it does not implement.</summary>
    NotApplicable,
}
