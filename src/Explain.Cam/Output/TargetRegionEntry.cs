using System.Text.Json.Serialization;
using Explain.Cam.Targets;

namespace Explain.Cam.Output;

/// <summary>
/// result.json's <c>target_region</c> of a map: what its target resolved to. <see cref="Kind"/> "mask" (a
/// segmentation target: <see cref="Pixels"/> inside, the mask written as the PNG <see cref="Mask"/> at input
/// resolution, white = inside), "boxes" (a detection target: each reference box and the row it matched, or
/// null) or "similarity" (<see cref="Reference"/> "embedding", "image" or "request_image"; <see cref="Image"/>
/// the picture the map lies on).
/// </summary>
public sealed record TargetRegionEntry(string Kind)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Pixels { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Width { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Height { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Mask { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<DetectionMatch>? Boxes { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reference { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Image { get; init; }

    /// <summary>The entry for <paramref name="geometry"/>; <paramref name="maskFile"/> is where its mask was written, <paramref name="image"/> the picture the map lies on.</summary>
    public static TargetRegionEntry? From(TargetGeometry? geometry, string? maskFile, string image) => geometry switch
    {
        TargetGeometry.Mask m => new("mask") { Pixels = m.Count, Width = m.Width, Height = m.Height, Mask = maskFile },
        TargetGeometry.Boxes b => new("boxes") { Boxes = b.Matches },
        TargetGeometry.Similarity s => new("similarity")
        {
            Reference = s.Reference switch { SimilarityReference.Image => "image", SimilarityReference.RequestImage => "request_image", _ => "embedding" },
            Image = image,
        },
        _ => null,
    };
}
