using System.IO.Compression;

namespace Explain.Imaging.Png;

/// <summary>
/// Managed PNG decoder: every colour type and bit depth, Adam7, all filters, CRC-checked chunks.
/// Managed rather than libspng because every length and index is then bounds-checked by the
/// runtime: a hostile file can only end in an exception, never in memory corruption, and the
/// decompressed size is fixed from IHDR before inflating, so a zlib bomb cannot grow a buffer.
/// </summary>
internal static class PngDecoder
{
    /// <summary>Adam7 passes (PNG spec §8.2): x0, y0, dx, dy.</summary>
    private static readonly (int X0, int Y0, int Dx, int Dy)[] Adam7 =
    [
        (0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2),
    ];

    private static readonly (int X0, int Y0, int Dx, int Dy)[] SinglePass = [(0, 0, 1, 1)];

    /// <summary>
    /// Scanlines are inflated in blocks of about this many bytes: one stream call per block rather
    /// than two per row, while the extra memory stays bounded whatever the image size.
    /// </summary>
    private const int BlockBytes = 1 << 20;

    public static RgbImage Decode(ReadOnlySpan<byte> png, ImageLimits limits) => Read(png, limits, decode: true)!;

    /// <summary>
    /// Every check <see cref="Decode"/> makes — signature, header, limits, chunk CRCs, palette,
    /// zlib stream, length of the image data, filter types — without reconstructing a pixel:
    /// throws exactly when <see cref="Decode"/> would, in about half the time.
    /// </summary>
    public static void Validate(ReadOnlySpan<byte> png, ImageLimits limits) => Read(png, limits, decode: false);

    private static RgbImage? Read(ReadOnlySpan<byte> png, ImageLimits limits, bool decode)
    {
        var header = PngHeader.Read(png);
        limits.CheckDimensions(header.Width, header.Height);
        var chunks = PngChunks.Read(png);
        var unpacker = new PngSampleUnpacker(header, chunks.Palette);
        var passes = header.Interlaced ? Adam7 : SinglePass;

        var pixels = decode ? new byte[3L * header.Width * header.Height] : [];
        using var zlib = new ZLibStream(new MemoryStream(chunks.ImageData), CompressionMode.Decompress);
        var prior = new byte[header.RowBytes(header.Width)];
        var block = Array.Empty<byte>();
        foreach (var (x0, y0, dx, dy) in passes)
        {
            int passWidth = PassExtent(header.Width, x0, dx), passHeight = PassExtent(header.Height, y0, dy);
            if (passWidth == 0 || passHeight == 0)
            {
                continue;
            }

            int rowBytes = (int)header.RowBytes(passWidth), stride = rowBytes + 1;
            int rowsPerBlock = Math.Clamp(BlockBytes / stride, 1, passHeight);
            if (block.Length < rowsPerBlock * stride)
            {
                block = GC.AllocateUninitializedArray<byte>(rowsPerBlock * stride);
            }

            Array.Clear(prior);
            for (int r = 0; r < passHeight; r += rowsPerBlock)
            {
                int rows = Math.Min(rowsPerBlock, passHeight - r);
                Fill(zlib, block.AsSpan(0, rows * stride));
                for (int k = 0; k < rows && !decode; k++)
                {
                    PngUnfilter.CheckFilter(block[k * stride]);
                }

                for (int k = 0; k < rows && decode; k++)
                {
                    var current = block.AsSpan(k * stride + 1, rowBytes);
                    var above = k == 0 ? prior.AsSpan(0, rowBytes) : block.AsSpan(k * stride + 1 - stride, rowBytes);
                    PngUnfilter.Apply(block[k * stride], current, above, header.FilterStride);
                    unpacker.Unpack(current, pixels, y0 + (r + k) * dy, x0, dx, passWidth);
                }

                block.AsSpan((rows - 1) * stride + 1, rowBytes).CopyTo(prior);
            }
        }

        return decode ? new RgbImage(header.Width, header.Height, pixels) : null;
    }

    private static int PassExtent(int size, int start, int step) => size > start ? (size - start + step - 1) / step : 0;

    private static void Fill(Stream zlib, Span<byte> buffer)
    {
        try
        {
            zlib.ReadExactly(buffer);
        }
        catch (EndOfStreamException e)
        {
            throw new ImageFormatException("Truncated PNG: the image data ends before the last scanline.", e);
        }
        catch (InvalidDataException e)
        {
            throw new ImageFormatException($"Corrupt PNG: invalid zlib data ({e.Message}).", e);
        }
    }
}
