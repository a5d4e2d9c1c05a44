using System.Buffers.Binary;
using System.IO.Compression;

namespace Explain.Imaging.Png;

/// <summary>
/// Writes 8-bit RGB or RGBA PNGs. Each row takes the filter with the smallest sum of absolute
/// signed bytes, the heuristic the PNG spec suggests (§12.8) and libpng uses.
/// </summary>
/// <remarks>
/// <see cref="CompressionLevel.Optimal"/>, the default, deflates with the run-length strategy
/// (zlib Z_RLE, which zlib's manual suggests for PNG image data): on filtered photographs,
/// long-distance matches gain almost nothing, and runs still catch flat areas. Measured on this
/// repository's overlays (224×224 of both.png / 425×280 of horses.jpg): 82,298 / 266,491 bytes
/// in 0.87 ms for the deflate step, against 85,956 / 266,195 bytes and ~5 ms for zlib level 6
/// (the previous default); level 2 was 87,638 / 266,417 bytes in 1.6 ms. The other levels keep
/// their usual zlib meaning.
/// </remarks>
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
        using (var zlib = new ZLibStream(compressed, Options(level), leaveOpen: true))
        {
            var filtered = new byte[1 + stride];
            var best = new byte[1 + stride];
            var zeros = new byte[stride];
            for (int y = 0; y < height; y++)
            {
                var row = pixels.Slice(y * stride, stride);
                var prior = y > 0 ? pixels.Slice((y - 1) * stride, stride) : zeros;
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

    private static ZLibCompressionOptions Options(CompressionLevel level) => level switch
    {
        CompressionLevel.Optimal => new() { CompressionLevel = 6, CompressionStrategy = ZLibCompressionStrategy.RunLengthEncoding },
        CompressionLevel.Fastest => new() { CompressionLevel = 1 },
        CompressionLevel.NoCompression => new() { CompressionLevel = 0 },
        CompressionLevel.SmallestSize => new() { CompressionLevel = 9 },
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "Unknown compression level."),
    };

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
