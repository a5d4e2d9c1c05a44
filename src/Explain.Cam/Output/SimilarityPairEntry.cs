namespace Explain.Cam.Output;

/// <summary>
/// result.json's pair of one method's similarity maps (GAM, "why are these two similar"): the overlay on the
/// request's picture (target "similarity-image") and on the reference picture ("similarity-image@reference").
/// </summary>
public sealed record SimilarityPairEntry(string Method, string Image, string Reference);
