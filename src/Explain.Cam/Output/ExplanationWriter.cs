using System.Text.Json;
using Explain.Cam.Inputs;
using Explain.Engine.Tensors;
using Explain.Imaging;
using Explain.Imaging.Png;
using Explain.Imaging.Rendering;

namespace Explain.Cam.Output;

/// <summary>
/// Writes an explanation as the CLI contract says: per method and target
/// &lt;method&gt;-&lt;target&gt;.npy (normalized map at input resolution), .raw.npy (target-layer
/// resolution, before normalization) and .png (overlay on the original image), plus result.json
/// and index.html (original and every overlay side by side).
/// </summary>
public static class ExplanationWriter
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>
    /// A file name for a map: target names may carry an output's ONNX name ("out:a/b[3]"), so every
    /// character outside [A-Za-z0-9._+,=@-] becomes '_' (no separators, nothing a file system refuses), and a
    /// stem already taken gets "-2", "-3", ...
    /// </summary>
    internal static string FileStem(string name, HashSet<string> taken)
    {
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || "._+,=@-".Contains(c) ? c : '_').ToArray();
        string stem = new(chars), unique = stem;
        for (int n = 2; !taken.Add(unique); n++)
            unique = $"{stem}-{n}";
        return unique;
    }

    /// <summary>
    /// Writes the files, result.json and index.html. <paramref name="reference"/> is the second picture of a
    /// similarity pair (<see cref="Explainer.ExplainPair"/>): maps on it are drawn on it, and it is written as reference.png.
    /// </summary>
    public static ResultDocument Write(string directory, ExplainInput input, Explanation explanation, ModelInfo model, Colormap colormap, IReadOnlyDictionary<string, double> extraTimings, ExplainInput? reference = null)
    {
        Directory.CreateDirectory(directory);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string original = "input.png";
        string? referenceFile = reference?.Original is null ? null : "reference.png";
        var files = new List<MapFiles>();
        var stems = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var masks = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var map in explanation.Maps)
        {
            string stem = FileStem($"{map.Method}-{map.Target}", stems);
            Npy.Write(Path.Combine(directory, stem + ".npy"), Tensor.FromArray(map.Map, map.MapShape));
            Npy.Write(Path.Combine(directory, stem + ".raw.npy"), Tensor.FromArray(map.Raw, map.RawShape));
            var on = map.OnReferenceImage && reference is not null ? reference : input;
            File.WriteAllBytes(Path.Combine(directory, stem + ".png"), PngEncoder.Encode(Render(on, map, colormap)));
            string? maskFile = map.Geometry is Targets.TargetGeometry.Mask mask ? MaskFile(directory, map.Target, mask, stems, masks) : null;
            files.Add(new MapFiles(map.Method, map.Target, map.Class, map.Label(model.Label), stem + ".npy", stem + ".raw.npy", stem + ".png")
            {
                Localization = map.Localization, ConceptClasses = map.ConceptClasses,
                TargetRegion = TargetRegionEntry.From(map.Geometry, maskFile, on == reference ? referenceFile ?? "" : original),
            });
        }
        if (input.Original is { } image)
            File.WriteAllBytes(Path.Combine(directory, original), PngEncoder.Encode(image));
        if (reference?.Original is { } second)
            File.WriteAllBytes(Path.Combine(directory, referenceFile!), PngEncoder.Encode(second));
        var timings = new Dictionary<string, double>(extraTimings);
        foreach (var (k, v) in explanation.TimingsMs) timings[k] = v;
        timings["render"] = clock.Elapsed.TotalMilliseconds;
        var result = new ResultDocument(model.Name, input.Name, input.Source, explanation.Layers, explanation.Predictions, files,
            explanation.Metrics, timings, Versions.Current(model)) {
            Texts = explanation.Texts, ReferenceInput = referenceFile, Pairs = Pairs(files),
            ExtraInputs = input.Extra.Select(e => new ExtraInputEntry(e.Key, e.Value.Type == DataType.Int64 ? "int64" : "float32", e.Value.Shape)).ToList(),
        };
        File.WriteAllText(Path.Combine(directory, "result.json"), JsonSerializer.Serialize(result, Json));
        int inputHeight = input.Tensor.Shape[2], inputWidth = input.Tensor.Shape[3];
        var context = new ReportContext(explanation.Maps, colormap, input.Footprint, input.Original?.Width ?? inputWidth, input.Original?.Height ?? inputHeight, inputWidth, inputHeight);
        File.WriteAllText(Path.Combine(directory, "index.html"), ReportPage.Html(result, input.Original is null ? null : original, context));
        return result;
    }

    /// <summary>A segmentation target's mask as a PNG (white = inside, input resolution), once per target.</summary>
    private static string MaskFile(string directory, string target, Targets.TargetGeometry.Mask mask, HashSet<string> stems, Dictionary<string, string> masks)
    {
        if (masks.TryGetValue(target, out var file))
            return file;
        file = FileStem($"{target}.mask", stems) + ".png";
        File.WriteAllBytes(Path.Combine(directory, file), MaskPng(mask));
        masks[target] = file;
        return file;
    }

    /// <summary>A target's mask as a PNG: white inside, black outside, at the mask's resolution.</summary>
    public static byte[] MaskPng(Targets.TargetGeometry.Mask mask)
    {
        var pixels = new byte[mask.Pixels.Length * 3];
        for (int q = 0; q < mask.Pixels.Length; q++)
            pixels.AsSpan(3 * q, 3).Fill(mask.Pixels[q] != 0 ? (byte)255 : (byte)0);
        return PngEncoder.Encode(new RgbImage(mask.Width, mask.Height, pixels));
    }

    /// <summary>Each method's two similarity maps of a pair, request picture first.</summary>
    private static List<SimilarityPairEntry> Pairs(List<MapFiles> files) =>
        files.Where(f => f.Target == Explainer.ReferencePairTarget)
            .Select(back => (back, front: files.FirstOrDefault(f => f.Method == back.Method && f.TargetRegion is { Kind: "similarity", Reference: "image" })))
            .Where(p => p.front is not null)
            .Select(p => new SimilarityPairEntry(p.back.Method, p.front!.Overlay, p.back.Overlay)).ToList();

    /// <summary>
    /// The overlay for a heatmap; guided maps (3×H×W) are pictures in their own right, contrast
    /// stretched so their 1st–99th percentiles span the full range (deprocess_image's ×0.1 leaves
    /// them a faint grey otherwise; the .npy keeps the unstretched values).
    /// </summary>
    public static RgbImage Render(ExplainInput input, CamMap map, Colormap colormap)
    {
        if (map.MapShape.Length == 3)
        {
            int h = map.MapShape[1], w = map.MapShape[2];
            var (low, high) = Percentiles(map.Map, 0.01, 0.99);
            float scale = high > low ? 255f / (high - low) : 0f;
            var pixels = new byte[h * w * 3];
            for (int p = 0; p < h * w; p++)
                for (int c = 0; c < 3; c++)
                    pixels[p * 3 + c] = (byte)Math.Clamp((map.Map[Math.Min(c, map.MapShape[0] - 1) * h * w + p] - low) * scale, 0f, 255f);
            return new RgbImage(w, h, pixels);
        }
        var original = input.Original ?? RgbImage.Blank(map.MapShape[1], map.MapShape[0]);
        var overlay = HeatmapOverlay.Render(original, map.Map, map.MapShape[0], map.MapShape[1], input.Footprint, colormap);
        if (map.Localization?.Box is { } box)
            BoxOutline.Draw(overlay, box, input.Footprint, map.MapShape[1], map.MapShape[0]);
        TargetOutline.Draw(overlay, map.Geometry, input.Footprint, map.MapShape[1], map.MapShape[0]);
        return overlay;
    }

    private static (float Low, float High) Percentiles(float[] values, double low, double high)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        int Index(double q) => (int)Math.Clamp(Math.Round(q * (sorted.Length - 1)), 0, sorted.Length - 1);
        return (sorted[Index(low)], sorted[Index(high)]);
    }
}
