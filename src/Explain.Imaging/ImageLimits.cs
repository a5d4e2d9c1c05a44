namespace Explain.Imaging;

/// <summary>Upper bounds checked before decoding: encoded size and header dimensions.</summary>
/// <param name="MaxBytes">Largest accepted encoded input, in bytes.</param>
/// <param name="MaxPixels">Largest accepted width × height, read from the header.</param>
public sealed record ImageLimits(long MaxBytes, long MaxPixels)
{
    /// <summary>
    /// 32 MiB and 40 megapixels: larger than any photo a classifier needs, small enough that a
    /// decoded RGB8 buffer stays under 120 MB. (PIL refuses above ~179 megapixels.)
    /// </summary>
    public static ImageLimits Default { get; } = new(32L << 20, 40_000_000);

    internal void CheckBytes(long length)
    {
        if (length > MaxBytes)
        {
            throw new ImageLimitException(
                $"Encoded image is {length} bytes; the limit is {MaxBytes} bytes.");
        }
    }

    internal void CheckDimensions(long width, long height)
    {
        if (width <= 0 || height <= 0)
        {
            throw new ImageFormatException($"Image header declares an empty size {width}x{height}.");
        }

        long pixels = width * height;
        if (pixels > MaxPixels)
        {
            throw new ImageLimitException(
                $"Image header declares {width}x{height} = {pixels} pixels; the limit is {MaxPixels} pixels.");
        }
    }
}
