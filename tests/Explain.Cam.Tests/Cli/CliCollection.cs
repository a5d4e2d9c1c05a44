namespace Explain.Cam.Tests.Cli;

/// <summary>The tests that read the one shared <see cref="CliRun"/> (its output folder) run in this collection.</summary>
[CollectionDefinition(Name)]
public sealed class CliCollection : ICollectionFixture<CliRun>
{
    public const string Name = "explain run";
}
