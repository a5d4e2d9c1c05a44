namespace Explain.Cam.Output;

/// <summary>The files of one method × target.</summary>
public sealed record MapFiles(string Method, string Target, int? Class, string? Label, string Map, string Raw, string Overlay)
{
    /// <summary>The map's weakly-supervised localization box (drawn on the overlay) and pointing game, in model-input pixels.</summary>
    public Evaluation.MapLocalization? Localization { get; init; }

    /// <summary>A dff concept's top classes (its <see cref="Label"/> joins their labels); null for other maps.</summary>
    public IReadOnlyList<Prediction>? ConceptClasses { get; init; }

    /// <summary>What the map's target resolved to (mask, boxes, similarity reference); null for class and output targets.</summary>
    public TargetRegionEntry? TargetRegion { get; init; }
}

/// <summary>result.json: what was explained, predictions, files, faithfulness metrics, timings per stage, versions.</summary>
public sealed record ResultDocument(
    string Model,
    string Input,
    string InputKind,
    IReadOnlyList<string> Layers,
    IReadOnlyList<Prediction> Predictions,
    IReadOnlyList<MapFiles> Maps,
    IReadOnlyList<FaithfulnessScores>? Metrics,
    IReadOnlyDictionary<string, double> TimingsMs,
    IReadOnlyDictionary<string, string> Versions)
{
    /// <summary>Textual explanations per target (Grad-CAM paper §7).</summary>
    public IReadOnlyList<Evaluation.TextExplanation>? Texts { get; init; }

    /// <summary>The second picture of a similarity pair, as written beside result.json; null without one.</summary>
    public string? ReferenceInput { get; init; }

    /// <summary>Per method, the overlays of a similarity pair (the request's picture and the reference's); empty without one.</summary>
    public IReadOnlyList<SimilarityPairEntry> Pairs { get; init; } = [];

    /// <summary>A multi-input model's other inputs this explanation was fed (name, element type, shape); empty for one-input models.</summary>
    public IReadOnlyList<ExtraInputEntry> ExtraInputs { get; init; } = [];
}

/// <summary>One extra input of <see cref="ResultDocument.ExtraInputs"/>.</summary>
public sealed record ExtraInputEntry(string Name, string ElementType, IReadOnlyList<int> Shape);
