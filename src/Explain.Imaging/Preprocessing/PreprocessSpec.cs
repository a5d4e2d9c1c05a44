using System.Text.Json;

namespace Explain.Imaging.Preprocessing;

/// <summary>
/// How an image becomes a model's input tensor, as torchvision's
/// Resize(S) → CenterCrop → ToTensor → Normalize would do it, plus the channel order.
/// </summary>
/// <param name="InputHeight">Tensor height (model.json input.height).</param>
/// <param name="InputWidth">Tensor width (model.json input.width).</param>
/// <param name="ChannelOrder">Plane order of the tensor (input.channel_order).</param>
/// <param name="ResizeShorterTo">Target of the shorter side, or null for no resize.</param>
/// <param name="Interpolation">PIL filter used by the resize.</param>
/// <param name="Scale">Pixel multiplier before normalisation; ToTensor's is 1/255.</param>
/// <param name="Mean">Mean per tensor plane (in <paramref name="ChannelOrder"/>), subtracted after scaling.</param>
/// <param name="Std">Standard deviation per tensor plane (in <paramref name="ChannelOrder"/>).</param>
public sealed record PreprocessSpec(
    int InputHeight,
    int InputWidth,
    ChannelOrder ChannelOrder,
    int? ResizeShorterTo,
    ResampleFilter Interpolation,
    double Scale,
    IReadOnlyList<double> Mean,
    IReadOnlyList<double> Std)
{
    /// <summary>Largest input side or resize target a model card may declare: it bounds the tensor (3 × 8192² floats is 805 MB).</summary>
    public const int MaxSide = 8192;

    /// <summary>
    /// Reads the <c>input</c> and <c>preprocess</c> objects of a model.json root. center_crop,
    /// when present, must equal the input size: the crop is what makes the tensor that size.
    /// </summary>
    /// <exception cref="FormatException">A field is missing, mistyped or inconsistent.</exception>
    public static PreprocessSpec FromModelJson(JsonElement modelJson)
    {
        try
        {
            return Parse(modelJson);
        }
        catch (InvalidOperationException e)
        {
            throw new FormatException($"model.json: a field has the wrong type ({e.Message}).", e);
        }
    }

    private static PreprocessSpec Parse(JsonElement modelJson)
    {
        var input = Child(modelJson, "input");
        var pre = Child(modelJson, "preprocess");
        int height = Child(input, "height").GetInt32(), width = Child(input, "width").GetInt32();
        if (pre.TryGetProperty("center_crop", out var crop)
            && (crop.GetArrayLength() != 2 || crop[0].GetInt32() != height || crop[1].GetInt32() != width))
        {
            throw new FormatException($"model.json: preprocess.center_crop {crop} differs from input [{height}, {width}].");
        }

        var spec = new PreprocessSpec(
            height,
            width,
            ParseChannelOrder(input.TryGetProperty("channel_order", out var order) ? order.GetString() : "RGB"),
            pre.TryGetProperty("resize_shorter_to", out var resize) && resize.ValueKind != JsonValueKind.Null
                ? resize.GetInt32()
                : null,
            ParseInterpolation(pre.TryGetProperty("interpolation", out var interp) ? interp.GetString() : "bilinear"),
            pre.TryGetProperty("scale", out var scale) ? scale.GetDouble() : 1.0 / 255.0,
            Triple(pre, "mean", 0.0),
            Triple(pre, "std", 1.0));
        if (spec.Std.Any(s => s == 0.0) || height <= 0 || width <= 0 || spec.ResizeShorterTo <= 0)
        {
            throw new FormatException("model.json: std must be non-zero, the input size and resize_shorter_to positive.");
        }

        return height > MaxSide || width > MaxSide || spec.ResizeShorterTo > MaxSide
            ? throw new FormatException($"model.json: input size {height}x{width} or resize_shorter_to {spec.ResizeShorterTo} exceeds {MaxSide}.")
            : spec;
    }

    private static JsonElement Child(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var child)
            ? child
            : throw new FormatException($"model.json: missing '{name}'.");

    private static double[] Triple(JsonElement pre, string name, double fallback)
    {
        if (!pre.TryGetProperty(name, out var array))
        {
            return [fallback, fallback, fallback];
        }

        if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() != 3)
        {
            throw new FormatException($"model.json: preprocess.{name} must be an array of 3 numbers.");
        }

        return [array[0].GetDouble(), array[1].GetDouble(), array[2].GetDouble()];
    }

    private static ChannelOrder ParseChannelOrder(string? text) => text?.ToUpperInvariant() switch
    {
        "RGB" => ChannelOrder.Rgb,
        "BGR" => ChannelOrder.Bgr,
        _ => throw new FormatException($"model.json: unknown input.channel_order '{text}'."),
    };

    private static ResampleFilter ParseInterpolation(string? text) => text?.ToLowerInvariant() switch
    {
        "bilinear" or "linear" => ResampleFilter.Bilinear,
        "bicubic" or "cubic" => ResampleFilter.Bicubic,
        "lanczos" => ResampleFilter.Lanczos,
        _ => throw new FormatException($"model.json: unsupported preprocess.interpolation '{text}'."),
    };
}
