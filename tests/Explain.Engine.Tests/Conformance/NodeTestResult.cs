namespace Explain.Engine.Tests.Conformance;

/// <summary>The outcome of one ONNX node test folder, with the operator types its model uses.</summary>
public sealed record NodeTestResult(string Name, NodeTestOutcome Outcome, string Detail, IReadOnlyList<string> OpTypes)
{
    public string Line => Outcome switch
    {
        NodeTestOutcome.Passed => $"PASS {Name}",
        NodeTestOutcome.Failed => $"FAIL {Name} [{string.Join(",", OpTypes)}]: {Detail}",
        _ => $"N/A  {Name} [{string.Join(",", OpTypes)}]: {Detail}",
    };
}
