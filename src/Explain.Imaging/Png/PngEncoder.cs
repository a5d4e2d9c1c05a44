using System.Buffers.Binary;
using System.IO.Compression;

namespace Explain.Imaging.Png;

/// <summary>
/// Writes 8-bit RGB or RGBA PNGs. Each row takes the filter with the smallest sum of absolute
/// signed bytes, the heuristic the PNG spec suggests (§12.8) and libpng uses.
/// </summary>
public static class PngEncoder
{
    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static byte[] Encode(RgbImage image, CompressionLevel level = CompressionLevel.Optimal) =>
        Encode(image.Pixels, image.Width, image.Height, channels: 3, level);

    /// <summary>Encodes interleaved 8-bit pixels; channels is 3 (RGB) or 4 (RGBA).</summary>
    public static byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height, int channels,
        CompressionLevel level = CompressionLevel.Optimal)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (channels is not (3 or 4))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "PNG encoder writes RGB8 or RGBA8.");
        }

        if (pixels.Length != (long)width * height * channels)
        {
            throw new ArgumentException($"Expected {(long)width * height * channels} bytes.", nameof(pixels));
        }

        using var output = new MemoryStream();
        output.Write(Signature);
        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr[4..], height);
        ihdr[8] = 8;
        ihdr[9] = (byte)(channels == 3 ? PngHeader.Rgb : PngHeader.Rgba);
        WriteChunk(output, "IHDR"u8, ihdr);
        WriteChunk(output, "IDAT"u8, Compress(pixels, width * channels, height, channels, level));
        WriteChunk(output, "IEND"u8, []);
        return output.ToArray();
    }

    private static byte[] Compress(ReadOnlySpan<byte> pixels, int stride, int height, int bpp, CompressionLevel level)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, level, leaveOpen: true))
        {
            var filtered = new byte[1 + stride];
            var best = new byte[1 + stride];
            for (int y = 0; y < height; y++)
            {
                var row = pixels.Slice(y * stride, stride);
                var prior = y > 0 ? pixels.Slice((y - 1) * stride, stride) : new byte[stride];
                long bestScore = long.MaxValue;
                for (int filter = 0; filter <= 4; filter++)
                {
                    long score = PngFilter.Apply(filter, row, prior, bpp, filtered);
                    if (score < bestScore)
                    {
                        bestScore = score;
                        (best, filtered) = (filtered, best);
                    }
                }

                zlib.Write(best);
            }
        }

        return compressed.ToArray();
    }

    private static void WriteChunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        output.Write(type);
        output.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Compute(type, data));
        output.Write(word);
    }
}
