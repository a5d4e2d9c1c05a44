namespace Explain.Imaging;

/// <summary>
/// Upper bounds checked before decoding: encoded size, header dimensions, aspect ratio and the
/// JPEG scan count. Together they bound a decode's memory (pixels) and CPU (pixels × scans), and
/// every product is formed in 64-bit arithmetic from values already range-checked, so no limit
/// check can overflow.
/// </summary>
/// <param name="MaxBytes">Largest accepted encoded input, in bytes.</param>
/// <param name="MaxPixels">Largest accepted width × height, read from the header.</param>
public sealed record ImageLimits(long MaxBytes, long MaxPixels)
{
    /// <summary>
    /// 32 MiB and 40 megapixels: larger than any photo a classifier needs, small enough that a
    /// decoded RGB8 buffer stays under 120 MB. (PIL refuses above ~179 megapixels.) Sides up to
    /// 65 535 (the JPEG maximum), aspect ratio up to 100:1, JPEG scans up to 100.
    /// </summary>
    public static ImageLimits Default { get; } = new(32L << 20, 40_000_000);

    /// <summary>Largest accepted width or height (65 535 is the most a JPEG frame header can declare).</summary>
    public int MaxSide { get; init; } = 65_535;

    /// <summary>
    /// Largest accepted longer-side / shorter-side ratio. A 1 × 5000 strip is no photograph, and
    /// resized to a classifier's input it becomes a 256 × 1 280 000 image.
    /// </summary>
    public double MaxAspectRatio { get; init; } = 100;

    /// <summary>
    /// Largest accepted number of scans (SOS markers) in a JPEG. Every progressive scan makes
    /// libjpeg walk the whole coefficient buffer, so a 30 KB file of thousands of empty scans costs
    /// seconds of CPU (libjpeg-turbo's own advice: its djpeg -maxscan option and TurboJPEG 3's
    /// TJPARAM_SCANLIMIT; Debian 12's TurboJPEG 2.1 has neither, so the decoder counts the markers
    /// before decoding). Encoders write 1 (baseline) to about 10–20 (progressive) scans.
    /// </summary>
    public int MaxJpegScans { get; init; } = 100;

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

        if (width > MaxSide || height > MaxSide)
        {
            throw new ImageLimitException(
                $"Image header declares {width}x{height}; the limit is {MaxSide} pixels per side.");
        }

        // Both sides are at most MaxSide (an int) here, so the product fits a long.
        long pixels = width * height;
        if (pixels > MaxPixels)
        {
            throw new ImageLimitException(
                $"Image header declares {width}x{height} = {pixels} pixels; the limit is {MaxPixels} pixels.");
        }

        double ratio = (double)Math.Max(width, height) / Math.Min(width, height);
        if (ratio > MaxAspectRatio)
        {
            throw new ImageLimitException(
                $"Image header declares {width}x{height}, an aspect ratio of {ratio:0.#}:1; the limit is {MaxAspectRatio}:1.");
        }
    }

    internal void CheckJpegScans(int scans)
    {
        if (scans > MaxJpegScans)
        {
            throw new ImageLimitException(
                $"JPEG has more than {MaxJpegScans} scans (counted {scans} before stopping); the limit is {MaxJpegScans}.");
        }
    }
}
