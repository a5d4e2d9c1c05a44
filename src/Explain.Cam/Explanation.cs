namespace Explain.Cam;

/// <summary>One class's prediction: index, label, pre-softmax score and softmax probability.</summary>
public sealed record Prediction(int Class, string Label, float Score, float Probability);

/// <summary>
/// One method × target map. <see cref="Map"/> is the normalized map at input resolution
/// (H×W in [0,1]; 3×H×W for guided maps); <see cref="Raw"/> the map at the target layer's resolution
/// before ReLU and normalization (the first layer's, when several were aggregated).
/// </summary>
public sealed record CamMap(string Method, string Target, int? Class, string Layer, float[] Raw, int[] RawShape, float[] Map, int[] MapShape)
{
    /// <summary>Weakly-supervised localization of an H×W map (null for guided maps).</summary>
    public Evaluation.MapLocalization? Localization { get; init; }

    /// <summary>A dff concept's top classes (the classifier head applied to the concept vector); null for other maps and without a head.</summary>
    public IReadOnlyList<Prediction>? ConceptClasses { get; init; }

    /// <summary>
    /// What the map's target resolved to (its mask at input resolution, its matched boxes, its similarity
    /// reference), drawn on the overlay and carried by result.json and the HEATMAP event; null for class targets.
    /// </summary>
    public Targets.TargetGeometry? Geometry { get; init; }

    /// <summary>The map lies on the second picture of a similarity pair (GAM), not on the request's.</summary>
    public bool OnReferenceImage => Geometry is Targets.TargetGeometry.Similarity { OnReferenceImage: true };

    /// <summary>What the map shows in words: the class label, or for a dff concept its classes joined by ", ".</summary>
    public string? Label(Func<int, string> classLabel) =>
        Class is int c ? classLabel(c) : ConceptClasses is { Count: > 0 } classes ? string.Join(", ", classes.Select(p => p.Label)) : null;
}

/// <summary>Everything one explanation produced, with wall-clock timings per stage in milliseconds.</summary>
public sealed record Explanation(IReadOnlyList<Prediction> Predictions, IReadOnlyList<CamMap> Maps, IReadOnlyList<string> Layers, IReadOnlyDictionary<string, double> TimingsMs)
{
    /// <summary>Faithfulness scores per map, when asked for.</summary>
    public IReadOnlyList<FaithfulnessScores>? Metrics { get; init; }

    /// <summary>Textual explanations per target (Grad-CAM paper §7), when a gradient pass was made.</summary>
    public IReadOnlyList<Evaluation.TextExplanation>? Texts { get; init; }

    /// <summary>
    /// The stages of <see cref="TimingsMs"/> that every explanation of one <see cref="Explainer.ExplainBatch(IReadOnlyList{Engine.Tensors.Tensor}, IReadOnlyList{Targets.TargetSelection}, ExplainOptions, CancellationToken)"/>
    /// call shared (the batch's forward, backward and guided passes: the same time in each); empty for an image explained on its own passes.
    /// </summary>
    public IReadOnlySet<string> SharedStages { get; init; } = NoStages;

    private static readonly IReadOnlySet<string> NoStages = new HashSet<string>();
}

/// <summary>
/// Faithfulness of one map. Average Drop and Increase in Confidence as in the Grad-CAM++ paper
/// (Chattopadhyay et al., §5.1; explanation image = map ∘ image, confidences are softmax
/// probabilities); deletion and insertion AUC as in RISE (Petsiuk et al., 2018).
/// </summary>
public sealed record FaithfulnessScores(string Method, string Target, float AverageDropPercent, float IncreaseInConfidencePercent, float DeletionAuc, float InsertionAuc)
{
    /// <summary>pytorch-grad-cam's convention: logit on map ∘ input minus logit on the input (absolute, not relative).</summary>
    public float? ConfidenceChange { get; init; }

    /// <summary>pytorch-grad-cam DropInConfidence: max(0, −change).</summary>
    public float? DropInConfidence { get; init; }

    /// <summary>pytorch-grad-cam IncreaseInConfidence: 1 if the logit rose, else 0.</summary>
    public float? IncreaseInConfidence { get; init; }

    public Evaluation.RoadScores? Road { get; init; }

    public Evaluation.ArccScores? Arcc { get; init; }

    /// <summary>The model-parameter randomization test (Adebayo et al. 2018), when asked for.</summary>
    public Evaluation.SanityCheckScores? SanityCheck { get; init; }
}
