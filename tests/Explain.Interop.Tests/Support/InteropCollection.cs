namespace Explain.Interop.Tests.Support;

/// <summary>Interop tests run one at a time: each starts peer processes and the machine has few cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class InteropCollection
{
    public const string Name = "interop";
}
