namespace Explain.Cam.Targets;

/// <summary>How the caller chose targets: explicit classes, the top-k predicted, or the prediction.</summary>
public sealed record TargetSelection(IReadOnlyList<int> Classes, int TopK, bool Counterfactual)
{
    public static TargetSelection Predicted { get; } = new([], 1, false);

    /// <summary>Resolves the selection against one sample's scores, in order of the request (or of rank).</summary>
    public IReadOnlyList<CamTarget> Resolve(ReadOnlySpan<float> scores)
    {
        var array = scores.ToArray();
        var classes = Classes.Count > 0
            ? Classes
            : Enumerable.Range(0, array.Length).OrderByDescending(i => array[i]).Take(Math.Max(1, TopK)).ToList();
        foreach (int c in classes)
            if ((uint)c >= (uint)array.Length)
                throw new ArgumentOutOfRangeException(nameof(Classes), $"class {c} is outside the model's {array.Length} classes");
        return classes.Select(c => (CamTarget)new ClassTarget(c, Counterfactual)).ToList();
    }
}
