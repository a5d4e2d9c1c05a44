using Explain.Cam.Targets;
using Explain.Engine.Tensors;

namespace Explain.Cam;

public sealed partial class Explainer
{
    /// <summary>The target name of the map on the second picture of a similarity pair.</summary>
    public const string ReferencePairTarget = "similarity-image@reference";

    /// <summary>
    /// Explains <paramref name="input"/>; when its targets hold a similarity to a second picture
    /// (<see cref="ImageSimilarityTarget"/>, at most one: targets are named uniquely) and <paramref name="reference"/>
    /// is that picture preprocessed, GAM's "why are these two similar" gets a map on each picture: the request's
    /// for its similarity to the reference's embedding ("similarity-image"), and the reference's, with the same
    /// methods and layers, for its similarity to the request's embedding (<see cref="ReferencePairTarget"/>,
    /// <see cref="CamMap.OnReferenceImage"/>). The second explanation's timings are prefixed "reference:".
    /// </summary>
    public Explanation ExplainPair(Tensor input, Tensor? reference, ExplainOptions options, CancellationToken cancellationToken = default)
    {
        var image = options.Targets.Items.OfType<ImageSimilarityTarget>().FirstOrDefault();
        if (image is null || reference is null)
            return Explain(input, options, cancellationToken);
        var targets = options.Targets with
        {
            Items = options.Targets.Items.Select(t => t is ImageSimilarityTarget i
                ? new SimilarityTarget(Embed(reference, i.OutputName), "image", i.OutputName, SimilarityReference.Image)
                : t).ToList(),
        };
        var first = Explain(input, options with { Targets = targets }, cancellationToken);
        var back = new SimilarityTarget(Embed(input, image.OutputName), "image@reference", image.OutputName, SimilarityReference.RequestImage);
        var second = Explain(reference, options with { Targets = TargetSelection.Of([back]), Metrics = false }, cancellationToken);
        var timings = new Dictionary<string, double>(first.TimingsMs);
        foreach (var (stage, ms) in second.TimingsMs)
            timings["reference:" + stage] = ms;
        return first with
        {
            Maps = [.. first.Maps, .. second.Maps],
            TimingsMs = timings,
            Texts = first.Texts is null && second.Texts is null ? null : [.. first.Texts ?? [], .. second.Texts ?? []],
        };
    }
}
