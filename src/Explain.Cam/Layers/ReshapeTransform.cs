namespace Explain.Cam.Layers;

/// <summary>
/// How a target layer's output becomes the [C, h, w] grid CAM methods weigh (pytorch-grad-cam's
/// <c>reshape_transform</c>): <c>--reshape</c>, else model.json's <c>"reshape"</c>, else <see cref="Auto"/>.
/// </summary>
public enum ReshapeTransform
{
    /// <summary>[1, C, h, w] as it is; tokens [1, T, C] read as a square grid, the class token dropped when T − 1 is a square.</summary>
    Auto,

    /// <summary>ViT tokens [1, 1 + h·w, C]: the class token (index 0) dropped, the rest a square grid.</summary>
    Vit,

    /// <summary>Swin: torchvision's NHWC stages [1, h, w, C], or timm's tokens [1, h·w, C] (no class token).</summary>
    Swin,
}

/// <summary>Wire and command-line names of <see cref="ReshapeTransform"/>.</summary>
public static class ReshapeTransforms
{
    public static IReadOnlyList<string> Names { get; } = ["auto", "vit", "swin"];

    /// <summary>Parses auto, vit or swin (any case); anything else is an <see cref="ArgumentException"/> naming them.</summary>
    public static ReshapeTransform Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "auto" => ReshapeTransform.Auto,
        "vit" => ReshapeTransform.Vit,
        "swin" => ReshapeTransform.Swin,
        _ => throw new ArgumentException($"reshape '{text}' is not one of {string.Join(", ", Names)}"),
    };

    public static string Name(this ReshapeTransform transform) => Names[(int)transform];
}
