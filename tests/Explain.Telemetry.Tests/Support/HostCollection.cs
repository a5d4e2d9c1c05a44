namespace Explain.Telemetry.Tests.Support;

/// <summary>
/// Tests that start AddExplainTelemetry hosts run one after another: a meter provider listens to every
/// "Explain.*" meter in the process, so two hosts at once would count each other's calls.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HostCollection
{
    public const string Name = "telemetry hosts";
}
