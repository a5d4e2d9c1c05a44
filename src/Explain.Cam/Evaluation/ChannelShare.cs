namespace Explain.Cam.Evaluation;

/// <summary>One channel's part in a Grad-CAM map: its weight α_k, its share of the map's positive mass, and its name when a channel labelling exists.</summary>
public sealed record ChannelShare(int Channel, float Weight, float Share, string? Name);
