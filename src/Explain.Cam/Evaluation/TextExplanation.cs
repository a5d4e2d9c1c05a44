namespace Explain.Cam.Evaluation;

/// <summary>
/// A textual explanation of one target (Grad-CAM paper §7): the channels of the target layer that
/// make most of its Grad-CAM map, and a sentence such as "bull mastiff: 62 % from channel 311,
/// 21 % from channel 87".
/// </summary>
public sealed record TextExplanation(string Target, int? Class, string Label, string Layer, IReadOnlyList<ChannelShare> Channels, string Sentence);
