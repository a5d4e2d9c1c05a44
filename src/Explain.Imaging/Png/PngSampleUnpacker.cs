namespace Explain.Imaging.Png;

/// <summary>
/// Expands one reconstructed scanline to RGB8. Alpha (colour types 4 and 6, palette tRNS) is
/// dropped, as PIL's convert("RGB") does. 16-bit samples keep their high byte, as libpng's
/// strip_16 and PIL's "RGB;16B" unpacker do; 1/2/4-bit grey scales by replication to 0–255.
/// </summary>
internal sealed class PngSampleUnpacker
{
    private readonly PngHeader _header;
    private readonly byte[] _palette;

    public PngSampleUnpacker(PngHeader header, byte[] palette)
    {
        if (header.ColorType == PngHeader.Palette && palette.Length == 0)
        {
            throw new ImageFormatException("Invalid PNG: colour type 3 without a PLTE chunk.");
        }

        _header = header;
        _palette = palette;
    }

    /// <summary>Writes <paramref name="count"/> pixels to dst at x0, x0+dx, … of row y.</summary>
    public void Unpack(ReadOnlySpan<byte> row, byte[] dst, int y, int x0, int dx, int count)
    {
        int o = (y * _header.Width + x0) * 3;
        if (_header.BitDepth == 8 && dx == 1)
        {
            var line = dst.AsSpan(o, 3 * count);
            switch (_header.ColorType)
            {
                case PngHeader.Rgb:
                    row[..line.Length].CopyTo(line);
                    return;
                case PngHeader.Rgba:
                    DropAlpha(row, line);
                    return;
                case PngHeader.Gray:
                    Replicate(row, line);
                    return;
            }
        }

        UnpackAny(row, dst, o, 3 * dx, count);
    }

    private static void DropAlpha(ReadOnlySpan<byte> rgba, Span<byte> rgb)
    {
        rgba = rgba[..(rgb.Length / 3 * 4)];
        for (int s = 0, d = 0; d < rgb.Length; s += 4, d += 3)
        {
            rgb[d] = rgba[s];
            rgb[d + 1] = rgba[s + 1];
            rgb[d + 2] = rgba[s + 2];
        }
    }

    private static void Replicate(ReadOnlySpan<byte> gray, Span<byte> rgb)
    {
        gray = gray[..(rgb.Length / 3)];
        for (int s = 0, d = 0; s < gray.Length; s++, d += 3)
        {
            rgb[d] = rgb[d + 1] = rgb[d + 2] = gray[s];
        }
    }

    /// <summary>Every colour type and depth, and Adam7 passes: pixel i goes to dst[o + i·step].</summary>
    private void UnpackAny(ReadOnlySpan<byte> row, byte[] dst, int o, int step, int count)
    {
        int depth = _header.BitDepth;
        int bytesPerSample = depth == 16 ? 2 : 1;
        int pixelBytes = _header.Channels * bytesPerSample;
        switch (_header.ColorType)
        {
            case PngHeader.Gray:
            case PngHeader.GrayAlpha:
                for (int i = 0; i < count; i++, o += step)
                {
                    dst[o] = dst[o + 1] = dst[o + 2] = depth < 8 ? ScaleLowBits(Packed(row, i, depth), depth) : row[i * pixelBytes];
                }

                break;
            case PngHeader.Palette:
                for (int i = 0; i < count; i++, o += step)
                {
                    int index = 3 * (depth < 8 ? Packed(row, i, depth) : row[i]);
                    bool known = index + 2 < _palette.Length;
                    dst[o] = known ? _palette[index] : (byte)0;
                    dst[o + 1] = known ? _palette[index + 1] : (byte)0;
                    dst[o + 2] = known ? _palette[index + 2] : (byte)0;
                }

                break;
            default:
                for (int i = 0, s = 0; i < count; i++, o += step, s += pixelBytes)
                {
                    dst[o] = row[s];
                    dst[o + 1] = row[s + bytesPerSample];
                    dst[o + 2] = row[s + 2 * bytesPerSample];
                }

                break;
        }
    }

    /// <summary>Sample i of a row packed most-significant bits first (§7.2).</summary>
    private static int Packed(ReadOnlySpan<byte> row, int i, int depth)
    {
        int bit = i * depth;
        int shift = 8 - depth - (bit & 7);
        return (row[bit >> 3] >> shift) & ((1 << depth) - 1);
    }

    private static byte ScaleLowBits(int v, int depth) => (byte)(v * 255 / ((1 << depth) - 1));
}
