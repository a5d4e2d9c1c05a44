namespace Explain.Imaging;

/// <summary>
/// An 8-bit RGB image, rows top to bottom, pixels interleaved R, G, B. Alpha is never kept:
/// decoders drop it, as PIL's <c>convert("RGB")</c> does, which is what torchvision users feed.
/// </summary>
public sealed class RgbImage
{
    public RgbImage(int width, int height, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.LongLength != 3L * width * height)
        {
            throw new ArgumentException(
                $"Expected {3L * width * height} bytes for {width}x{height} RGB, got {pixels.Length}.",
                nameof(pixels));
        }

        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Interleaved RGB8, length 3 × Width × Height.</summary>
    public byte[] Pixels { get; }

    public int Stride => 3 * Width;

    /// <summary>Reads one channel of one pixel (c: 0 = R, 1 = G, 2 = B).</summary>
    public byte this[int y, int x, int c] => Pixels[(y * Width + x) * 3 + c];

    public static RgbImage Blank(int width, int height) =>
        new(width, height, new byte[3L * width * height]);
}
