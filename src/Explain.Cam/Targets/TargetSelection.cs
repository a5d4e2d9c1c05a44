namespace Explain.Cam.Targets;

/// <summary>
/// How the caller chose targets: explicit target objects (<see cref="Items"/>: softmax, ReST,
/// binary, sum, multi-label, class logits), else explicit classes, else the top-k predicted.
/// </summary>
public sealed record TargetSelection(IReadOnlyList<int> Classes, int TopK, bool Counterfactual)
{
    public static TargetSelection Predicted { get; } = new([], 1, false);

    /// <summary>Explicit targets, explained in this order; when given, <see cref="Classes"/> and <see cref="TopK"/> are not read.</summary>
    public IReadOnlyList<CamTarget> Items { get; init; } = [];

    /// <summary>A selection of exactly these targets.</summary>
    public static TargetSelection Of(IReadOnlyList<CamTarget> items) => new([], 1, false) { Items = items };

    /// <summary>Resolves the selection against one sample's scores, in order of the request (or of rank).</summary>
    public IReadOnlyList<CamTarget> Resolve(ReadOnlySpan<float> scores) => Resolve(scores, [scores.Length]);

    /// <summary>Resolves the selection against one sample of the explained output (values and shape without the batch axis).</summary>
    public IReadOnlyList<CamTarget> Resolve(ReadOnlySpan<float> scores, IReadOnlyList<int> shape)
    {
        if (Items.Count > 0)
        {
            // Each target checks itself against the output (class in range, one score for binary, mask size, ...) before any backward pass.
            var bound = new List<CamTarget>(Items.Count);
            foreach (var item in Items)
                bound.Add(item.Bind(scores, shape));
            return bound;
        }
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
