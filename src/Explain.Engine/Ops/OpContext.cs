namespace Explain.Engine.Ops;

/// <summary>How a pass runs: threads, whether forward keeps state for backward, the backward rule.</summary>
public sealed class OpContext
{
    /// <summary>Maximum threads a kernel may use.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Set during a forward pass whose node will be visited by a later backward pass.</summary>
    public bool SaveForBackward { get; set; }

    /// <summary>Backward rule for rectifiers (ReLU, Clip with a zero floor).</summary>
    public BackwardMode Mode { get; set; } = BackwardMode.Standard;

    public ParallelOptions Parallel => _parallel ??= new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Threads) };

    private ParallelOptions? _parallel;
}
