namespace Explain.Cam.Attribution;

/// <summary>One DFF concept: its index, channel vector (C), heatmap at the layer's resolution (h·w) and top classes (null without a head).</summary>
public sealed record DffConcept(int Index, float[] Vector, float[] Heatmap, IReadOnlyList<ConceptClass>? Classes);
