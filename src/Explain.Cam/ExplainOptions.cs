using Explain.Cam.Targets;

namespace Explain.Cam;

/// <summary>What one explanation computes: methods (wire names), target layers (empty = the model's default) and targets.</summary>
public sealed record ExplainOptions
{
    public required IReadOnlyList<string> Methods { get; init; }

    public IReadOnlyList<string> Layers { get; init; } = [];

    public TargetSelection Targets { get; init; } = TargetSelection.Predicted;

    /// <summary>How many predictions the result lists.</summary>
    public int TopPredictions { get; init; } = 5;

    /// <summary>Compute faithfulness metrics (Average Drop, Increase in Confidence, deletion/insertion AUC) per map.</summary>
    public bool Metrics { get; init; }
}
