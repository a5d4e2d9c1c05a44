using System.Buffers.Binary;

namespace Explain.Imaging.Png;

/// <summary>
/// Walks the chunk stream after IHDR (PNG spec §5.3): checks every length against the remaining
/// bytes and every CRC, gathers PLTE and the IDAT payload, skips ancillary chunks, and rejects
/// unknown critical ones.
/// </summary>
internal sealed class PngChunks
{
    private const int FirstChunkAfterHeader = 33;

    private PngChunks(byte[] palette, byte[] imageData)
    {
        Palette = palette;
        ImageData = imageData;
    }

    /// <summary>RGB triples from PLTE; empty when absent.</summary>
    public byte[] Palette { get; }

    /// <summary>Concatenated IDAT payloads: one zlib stream.</summary>
    public byte[] ImageData { get; }

    public static PngChunks Read(ReadOnlySpan<byte> png)
    {
        var palette = Array.Empty<byte>();
        using var idat = new MemoryStream();
        int pos = FirstChunkAfterHeader;
        while (pos < png.Length)
        {
            if (png.Length - pos < 12)
            {
                throw new ImageFormatException($"Truncated PNG: partial chunk header at byte {pos}.");
            }

            uint length = BinaryPrimitives.ReadUInt32BigEndian(png[pos..]);
            var type = png.Slice(pos + 4, 4);
            if (length > int.MaxValue || length > png.Length - pos - 12)
            {
                throw new ImageFormatException(
                    $"Truncated or corrupt PNG: chunk '{Name(type)}' at byte {pos} declares {length} bytes, past the end of the file.");
            }

            var data = png.Slice(pos + 8, (int)length);
            if (Crc32.Compute(type, data) != BinaryPrimitives.ReadUInt32BigEndian(png[(pos + 8 + (int)length)..]))
            {
                throw new ImageFormatException($"Corrupt PNG: CRC mismatch in chunk '{Name(type)}' at byte {pos}.");
            }

            pos += 12 + (int)length;
            if (type.SequenceEqual("IEND"u8))
            {
                break;
            }

            if (type.SequenceEqual("IDAT"u8))
            {
                idat.Write(data);
            }
            else if (type.SequenceEqual("PLTE"u8))
            {
                palette = ReadPalette(data);
            }
            else if (type.SequenceEqual("IHDR"u8) || (type[0] & 0x20) == 0)
            {
                throw new ImageFormatException($"Invalid PNG: unexpected critical chunk '{Name(type)}'.");
            }
        }

        if (idat.Length == 0)
        {
            throw new ImageFormatException("Invalid or truncated PNG: no IDAT chunk.");
        }

        return new PngChunks(palette, idat.ToArray());
    }

    private static byte[] ReadPalette(ReadOnlySpan<byte> data)
    {
        if (data.Length == 0 || data.Length % 3 != 0 || data.Length > 768)
        {
            throw new ImageFormatException($"Invalid PNG: PLTE of {data.Length} bytes.");
        }

        return data.ToArray();
    }

    private static string Name(ReadOnlySpan<byte> type)
    {
        Span<char> chars = stackalloc char[4];
        for (int i = 0; i < 4; i++)
        {
            chars[i] = type[i] is >= 0x20 and < 0x7F ? (char)type[i] : '?';
        }

        return new string(chars);
    }
}
