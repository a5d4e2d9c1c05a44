using Explain.Imaging.Jpeg;
using Explain.Imaging.Png;

namespace Explain.Imaging;

/// <summary>
/// Decodes JPEG and PNG into <see cref="RgbImage"/>. The format comes from the magic bytes, never
/// the file name. Limits are enforced on the encoded size and on the header's dimensions before
/// any pixel buffer exists; every malformed input ends in an <see cref="ImagingException"/>.
/// </summary>
public static class ImageDecoder
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static ImageFormat DetectFormat(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
        {
            return ImageFormat.Jpeg;
        }

        return data.StartsWith(PngSignature) ? ImageFormat.Png : ImageFormat.Unknown;
    }

    /// <summary>Decodes an encoded image held in memory.</summary>
    public static RgbImage Decode(ReadOnlySpan<byte> data, ImageLimits? limits = null)
    {
        limits ??= ImageLimits.Default;
        limits.CheckBytes(data.Length);
        return DetectFormat(data) switch
        {
            ImageFormat.Jpeg => JpegDecoder.Decode(data, limits),
            ImageFormat.Png => PngDecoder.Decode(data, limits),
            _ => throw new ImageFormatException(
                "Unrecognised image format: expected a JPEG (FF D8 FF) or PNG (89 50 4E 47) signature."),
        };
    }

    /// <summary>
    /// Throws exactly when <see cref="Decode"/> would, with the same exception, without keeping
    /// the pixels: a service checks an upload before queueing it. PNGs are checked without
    /// reconstructing pixels (about half the time of a decode); JPEGs are decoded, since only the
    /// entropy decoder finds corrupt scan data.
    /// </summary>
    public static void Validate(ReadOnlySpan<byte> data, ImageLimits? limits = null)
    {
        limits ??= ImageLimits.Default;
        limits.CheckBytes(data.Length);
        switch (DetectFormat(data))
        {
            case ImageFormat.Jpeg:
                JpegDecoder.Decode(data, limits);
                break;
            case ImageFormat.Png:
                PngDecoder.Validate(data, limits);
                break;
            default:
                Decode(data, limits);
                break;
        }
    }

    /// <summary>Decodes a file, refusing it by size before reading it when it is too large.</summary>
    public static RgbImage DecodeFile(string path, ImageLimits? limits = null)
    {
        limits ??= ImageLimits.Default;
        limits.CheckBytes(new FileInfo(path).Length);
        return Decode(File.ReadAllBytes(path), limits);
    }

    /// <summary>Reads only the header: format, width and height (after EXIF orientation).</summary>
    public static (ImageFormat Format, int Width, int Height) Identify(ReadOnlySpan<byte> data)
    {
        var format = DetectFormat(data);
        (int w, int h) = format switch
        {
            ImageFormat.Jpeg => JpegDecoder.ReadSize(data),
            ImageFormat.Png => PngHeader.Read(data).Size,
            _ => throw new ImageFormatException("Unrecognised image format."),
        };
        return (format, w, h);
    }
}
