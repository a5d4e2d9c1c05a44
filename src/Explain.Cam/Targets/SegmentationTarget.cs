using Explain.Engine.Errors;

namespace Explain.Cam.Targets;

/// <summary>Which pixels a segmentation target sums over.</summary>
public abstract record SegmentationRegion
{
    /// <summary>The pixels the model assigns to the class (argmax over classes), fixed from the unperturbed input.</summary>
    public sealed record Predicted : SegmentationRegion;

    /// <summary>The box [x1, x2) × [y1, y2) in the output's pixels (the input's, for models that segment at input resolution).</summary>
    public sealed record Box(int X1, int Y1, int X2, int Y2) : SegmentationRegion;

    /// <summary>A mask of the output's size (H × W, row-major, nonzero = in), e.g. decoded from a PNG.</summary>
    public sealed record Mask(int Height, int Width, byte[] Values) : SegmentationRegion
    {
        public bool Equals(Mask? other) => other is not null && Height == other.Height && Width == other.Width && Values.AsSpan().SequenceEqual(other.Values);

        public override int GetHashCode() => HashCode.Combine(Height, Width, Values.Length);
    }
}

/// <summary>
/// A segmentation target (pytorch-grad-cam's SemanticSegmentationTarget): the sum of class c's pixel
/// scores over a region M, f = Σ_{h,w} out[c, h, w] · M[h, w], on an output [C, H, W] per sample.
/// Seed: M in channel c, zero elsewhere.
/// </summary>
public sealed record SegmentationTarget(int Class, SegmentationRegion Region, string? OutputName = null) : CamTarget
{
    private float[]? _mask;
    private int _planes;

    public override string Name => $"seg-c{Class}" + Region switch
    {
        SegmentationRegion.Box b => $"-box{b.X1},{b.Y1},{b.X2},{b.Y2}",
        SegmentationRegion.Mask => "-mask",
        _ => "",
    };

    public override int? ClassIndex => Class;

    public override string? Output => OutputName;

    /// <summary>The region's pixels once bound (H × W, 1 inside), for overlays; null before.</summary>
    public float[]? MaskPixels => _mask;

    /// <summary>The output's height and width once bound.</summary>
    public (int Height, int Width) MaskSize { get; private init; }

    public override CamTarget Bind(ReadOnlySpan<float> values, IReadOnlyList<int> shape)
    {
        if (shape.Count != 3)
            throw new ArgumentException($"a segmentation target needs an output [C, H, W] per sample, not [{string.Join(", ", shape)}]");
        int classes = shape[0], height = shape[1], width = shape[2], plane = height * width;
        if ((uint)Class >= (uint)classes)
            throw new ArgumentOutOfRangeException(nameof(Class), $"class {Class} is outside the output's {classes} classes");
        var mask = new float[plane];
        switch (Region)
        {
            case SegmentationRegion.Predicted:
                for (int q = 0; q < plane; q++)
                {
                    int best = 0;
                    for (int c = 1; c < classes; c++)
                        if (values[c * plane + q] > values[best * plane + q])
                            best = c;
                    mask[q] = best == Class ? 1f : 0f;
                }
                break;
            case SegmentationRegion.Box b:
                if (b.X1 < 0 || b.Y1 < 0 || b.X2 > width || b.Y2 > height || b.X1 >= b.X2 || b.Y1 >= b.Y2)
                    throw new ArgumentException($"box [{b.X1}, {b.Y1}, {b.X2}, {b.Y2}] is not a non-empty box inside the output's {width}x{height} pixels");
                for (int y = b.Y1; y < b.Y2; y++)
                    mask.AsSpan(y * width + b.X1, b.X2 - b.X1).Fill(1f);
                break;
            case SegmentationRegion.Mask m:
                if (m.Height != height || m.Width != width || m.Values.Length != plane)
                    throw new ArgumentException($"the mask is {m.Width}x{m.Height}; {OutputText(OutputName)} is {width}x{height}");
                for (int q = 0; q < plane; q++)
                    mask[q] = m.Values[q] != 0 ? 1f : 0f;
                break;
            default:
                throw new ArgumentException("unknown segmentation region");
        }
        var pixels = Array.ConvertAll(mask, v => (byte)(v != 0 ? 1 : 0));
        return this with { _mask = mask, _planes = classes, MaskSize = (height, width), Geometry = new TargetGeometry.Mask(height, width, pixels) };
    }

    public override void WriteSeed(ReadOnlySpan<float> scores, Span<float> seed)
    {
        var mask = Bound(scores.Length);
        mask.CopyTo(seed.Slice(Class * mask.Length, mask.Length));
    }

    public override float Score(ReadOnlySpan<float> scores)
    {
        var mask = Bound(scores.Length);
        double sum = 0;
        var plane = scores.Slice(Class * mask.Length, mask.Length);
        for (int q = 0; q < mask.Length; q++)
            sum += plane[q] * mask[q];
        return (float)sum;
    }

    private float[] Bound(int length) =>
        _mask is { } mask && length == _planes * mask.Length ? mask
            : throw new InvalidOperationException("a segmentation target is bound to its output's shape before it seeds (TargetSelection.Resolve)");

    public bool Equals(SegmentationTarget? other) => other is not null && Class == other.Class && Region.Equals(other.Region) && OutputName == other.OutputName;

    public override int GetHashCode() => HashCode.Combine(Class, Region, OutputName);
}

/// <summary>Masks from pictures: a PNG (or JPEG) whose nonzero pixels are inside.</summary>
public static class SegmentationMasks
{
    /// <summary>Largest side of a mask picture.</summary>
    public const int MaxSide = 4096;

    /// <summary>Decodes a mask picture; any channel nonzero = inside. Not a picture, or over 4096 pixels a side: <see cref="ArgumentException"/>.</summary>
    public static SegmentationRegion.Mask Decode(byte[] bytes)
    {
        Imaging.RgbImage image;
        try
        {
            image = Imaging.ImageDecoder.Decode(bytes, new Imaging.ImageLimits(16L << 20, (long)MaxSide * MaxSide) { MaxSide = MaxSide });
        }
        catch (Imaging.ImagingException e)
        {
            throw new ArgumentException($"the mask is not a picture within {MaxSide}x{MaxSide} pixels: {e.Message}");
        }
        var values = new byte[image.Width * image.Height];
        var pixels = image.Pixels;
        for (int q = 0; q < values.Length; q++)
            values[q] = (byte)(pixels[3 * q] | pixels[3 * q + 1] | pixels[3 * q + 2]);
        return new SegmentationRegion.Mask(image.Height, image.Width, values);
    }
}
