namespace Explain.Cam.Targets;

/// <summary>What a similarity target's reference embedding came from.</summary>
public enum SimilarityReference
{
    /// <summary>A vector the caller gave.</summary>
    Embedding,

    /// <summary>The embedding of a second picture; the map is on the request's picture.</summary>
    Image,

    /// <summary>The embedding of the request's picture; the map is on the second picture (GAM's pair, the other half).</summary>
    RequestImage,
}
