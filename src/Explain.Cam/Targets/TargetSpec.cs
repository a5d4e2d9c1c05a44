using System.Globalization;

namespace Explain.Cam.Targets;

/// <summary>
/// The text form of a target (CLI `--target`, model.json's "targets"): <c>logit:K</c>,
/// <c>softmax:K</c>, <c>rest:K</c>, <c>binary:positive|negative</c>, <c>sum</c>, <c>labels:A,B,...</c>,
/// and for outputs other than class scores: <c>output:NAME:I[,J,...]</c> (<c>neg-output:</c> for −y),
/// <c>segment:K[:box=X1,Y1,X2,Y2|:mask=FILE.png]</c>, <c>box:L@X1,Y1,X2,Y2[+L@...][:iou=T]</c> and
/// <c>similar:FILE.npy|IMAGE</c>.
/// </summary>
public static class TargetSpec
{
    public const string Forms = "logit:K, softmax:K, rest:K, binary:positive|negative, sum, labels:A,B,..., output:NAME:I[,J...], neg-output:NAME:I[,J...], segment:K[:box=X1,Y1,X2,Y2|:mask=FILE.png], box:L@X1,Y1,X2,Y2[+L@...][:iou=T], similar:FILE.npy|IMAGE";

    /// <summary>Parses one target; a malformed text is an <see cref="ArgumentException"/> naming the forms.</summary>
    public static CamTarget Parse(string text) => Parse(text, null);

    /// <param name="text">The target's text.</param>
    /// <param name="readFile">Reads the files a target names (masks, reference embeddings and images); null: the file system.</param>
    public static CamTarget Parse(string text, Func<string, byte[]>? readFile)
    {
        readFile ??= File.ReadAllBytes;
        string spec = text.Trim();
        int colon = spec.IndexOf(':');
        string kind = (colon < 0 ? spec : spec[..colon]).Trim().ToLowerInvariant();
        string argument = colon < 0 ? "" : spec[(colon + 1)..].Trim();
        return kind switch
        {
            "logit" => new ClassTarget(Class(argument, text)),
            "softmax" => new SoftmaxTarget(Class(argument, text)),
            "rest" => new RestTarget(Class(argument, text)),
            "binary" => argument.ToLowerInvariant() switch
            {
                "positive" or "1" or "+" => new BinaryTarget(true),
                "negative" or "0" or "-" => new BinaryTarget(false),
                _ => throw Bad(text),
            },
            "sum" when argument.Length == 0 => new ScoresSumTarget(),
            "labels" => Labels(argument, text),
            "output" or "neg-output" => Output(argument, text, kind == "neg-output"),
            "segment" => Segment(argument, text, readFile),
            "box" => Boxes(argument, text),
            "similar" when argument.Length > 0 => Similar(argument, readFile),
            _ => throw Bad(text),
        };
    }

    private static OutputTarget Output(string argument, string text, bool negate)
    {
        int colon = argument.LastIndexOf(':');
        if (colon <= 0)
            throw Bad(text);
        var index = argument[(colon + 1)..].Split(',', StringSplitOptions.TrimEntries).Select(a => Class(a, text)).ToList();
        return new OutputTarget(argument[..colon].Trim(), index, negate);
    }

    private static SegmentationTarget Segment(string argument, string text, Func<string, byte[]> readFile)
    {
        int colon = argument.IndexOf(':');
        int c = Class(colon < 0 ? argument : argument[..colon], text);
        if (colon < 0)
            return new SegmentationTarget(c, new SegmentationRegion.Predicted());
        string region = argument[(colon + 1)..].Trim();
        if (region.StartsWith("box=", StringComparison.Ordinal))
        {
            var v = region[4..].Split(',', StringSplitOptions.TrimEntries).Select(a => Class(a, text)).ToArray();
            return v.Length == 4 ? new SegmentationTarget(c, new SegmentationRegion.Box(v[0], v[1], v[2], v[3])) : throw Bad(text);
        }
        if (region.StartsWith("mask=", StringComparison.Ordinal))
            return new SegmentationTarget(c, SegmentationMasks.Decode(Read(region[5..], readFile)));
        throw Bad(text);
    }

    private static DetectionTarget Boxes(string argument, string text)
    {
        float iou = 0.5f;
        int colon = argument.IndexOf(':');
        if (colon >= 0)
        {
            string option = argument[(colon + 1)..].Trim();
            if (!option.StartsWith("iou=", StringComparison.Ordinal) || !float.TryParse(option[4..], NumberStyles.Float, CultureInfo.InvariantCulture, out iou) || !(iou >= 0 && iou < 1))
                throw new ArgumentException($"target '{text}': the option after the boxes is iou=T with 0 <= T < 1");
            argument = argument[..colon];
        }
        var boxes = argument.Split('+', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(b =>
        {
            int at = b.IndexOf('@');
            var corners = at < 0 ? [] : b[(at + 1)..].Split(',', StringSplitOptions.TrimEntries);
            var v = new float[4];
            if (at <= 0 || corners.Length != 4 || corners.Where((x, i) => !float.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out v[i])).Any())
                throw new ArgumentException($"target '{text}': each box is LABEL@X1,Y1,X2,Y2");
            return new ReferenceBox(v[0], v[1], v[2], v[3], Class(b[..at], text));
        }).ToList();
        if (boxes.Count is 0 or > DetectionTarget.MaxBoxes)
            throw new ArgumentException($"target '{text}': a detection target names 1 to {DetectionTarget.MaxBoxes} boxes");
        return new DetectionTarget(boxes, IouThreshold: iou);
    }

    private static CamTarget Similar(string path, Func<string, byte[]> readFile)
    {
        var bytes = Read(path, readFile);
        if (!path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
            return new ImageSimilarityTarget(bytes);
        var tensor = Engine.Tensors.Npy.Read(bytes, path);
        return new SimilarityTarget(tensor.Floats.ToArray());
    }

    private static byte[] Read(string path, Func<string, byte[]> readFile)
    {
        try
        {
            return readFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"cannot read '{path}': {e.Message}");
        }
    }

    private static MultiLabelTarget Labels(string argument, string text)
    {
        var classes = argument.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(a => Class(a, text)).ToList();
        if (classes.Count is 0 or > 16)
            throw new ArgumentException($"target '{text}': a multi-label target names 1 to 16 classes");
        if (classes.Distinct().Count() != classes.Count)
            throw new ArgumentException($"target '{text}': a multi-label target names each class once");
        return new MultiLabelTarget(classes);
    }

    private static int Class(string argument, string text) =>
        int.TryParse(argument, NumberStyles.None, CultureInfo.InvariantCulture, out int c) ? c : throw Bad(text);

    private static ArgumentException Bad(string text) => new($"target '{text}' is not one of {Forms} (K a class index ≥ 0)");
}
