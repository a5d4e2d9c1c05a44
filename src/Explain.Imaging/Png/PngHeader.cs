using System.Buffers.Binary;

namespace Explain.Imaging.Png;

/// <summary>The IHDR chunk (PNG spec §11.2.2), validated: only the legal depth/colour pairs pass.</summary>
internal readonly record struct PngHeader(int Width, int Height, int BitDepth, int ColorType, bool Interlaced)
{
    public const int Gray = 0, Rgb = 2, Palette = 3, GrayAlpha = 4, Rgba = 6;

    public (int Width, int Height) Size => (Width, Height);

    public int Channels => ColorType switch
    {
        Gray or Palette => 1,
        GrayAlpha => 2,
        Rgb => 3,
        _ => 4,
    };

    public int BitsPerPixel => Channels * BitDepth;

    /// <summary>Filter unit: bytes per complete pixel, rounded up to 1 (§9.2).</summary>
    public int FilterStride => Math.Max(1, BitsPerPixel / 8);

    public long RowBytes(int width) => ((long)width * BitsPerPixel + 7) / 8;

    /// <summary>Parses the signature and IHDR only; used to check limits before anything else.</summary>
    public static PngHeader Read(ReadOnlySpan<byte> png)
    {
        if (png.Length < 33)
        {
            throw new ImageFormatException("Truncated PNG: the file ends inside the IHDR chunk.");
        }

        if (BinaryPrimitives.ReadUInt32BigEndian(png[8..]) != 13 || !png.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            throw new ImageFormatException("Invalid PNG: the first chunk must be a 13-byte IHDR.");
        }

        if (Crc32.Compute(png.Slice(12, 17)) != BinaryPrimitives.ReadUInt32BigEndian(png[29..]))
        {
            throw new ImageFormatException("Corrupt PNG: CRC mismatch in IHDR.");
        }

        var d = png.Slice(16, 13);
        uint w = BinaryPrimitives.ReadUInt32BigEndian(d), h = BinaryPrimitives.ReadUInt32BigEndian(d[4..]);
        if (w == 0 || h == 0 || w > int.MaxValue || h > int.MaxValue)
        {
            throw new ImageFormatException($"Invalid PNG: dimensions {w}x{h}.");
        }

        var header = new PngHeader((int)w, (int)h, d[8], d[9], d[12] == 1);
        if (d[10] != 0 || d[11] != 0 || d[12] > 1)
        {
            throw new ImageFormatException("Invalid PNG: unknown compression, filter or interlace method.");
        }

        return header.IsLegalDepth()
            ? header
            : throw new ImageFormatException($"Invalid PNG: bit depth {header.BitDepth} with colour type {header.ColorType}.");
    }

    private bool IsLegalDepth() => ColorType switch
    {
        Gray => BitDepth is 1 or 2 or 4 or 8 or 16,
        Palette => BitDepth is 1 or 2 or 4 or 8,
        Rgb or GrayAlpha or Rgba => BitDepth is 8 or 16,
        _ => false,
    };
}
