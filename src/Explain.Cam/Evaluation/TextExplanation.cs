namespace Explain.Cam.Evaluation;

/// <summary>
/// A textual explanation of one target (Grad-CAM paper §7): the channels of the target layer that
/// make most of its Grad-CAM map, and a sentence such as "bull mastiff: 62 % from channel 311,
/// 21 % from channel 87".
/// </summary>
/// <remarks>
/// With dff requested, <see cref="Concepts"/> is set and each entry of <see cref="Channels"/> is a DFF
/// concept (its index, β_j = Σ_k α_k W_kj, share, and its top classes as the name).
/// </remarks>
public sealed record TextExplanation(string Target, int? Class, string Label, string Layer, IReadOnlyList<ChannelShare> Channels, string Sentence)
{
    public bool Concepts { get; init; }
}
