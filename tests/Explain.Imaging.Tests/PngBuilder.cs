using System.Buffers.Binary;
using System.IO.Compression;
using Explain.Imaging.Png;

namespace Explain.Imaging.Tests;

/// <summary>Hand-assembles PNG files chunk by chunk, valid CRCs included, to build bad inputs.</summary>
internal sealed class PngBuilder
{
    private readonly MemoryStream _bytes = new();

    public PngBuilder()
    {
        _bytes.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
    }

    public static byte[] Header(uint width, uint height, byte depth, byte colorType, byte interlace = 0)
    {
        var data = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(data, width);
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(4), height);
        data[8] = depth;
        data[9] = colorType;
        data[12] = interlace;
        return data;
    }

    public static byte[] Zlib(params byte[] raw)
    {
        using var output = new MemoryStream();
        using (var z = new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            z.Write(raw);
        }

        return output.ToArray();
    }

    public PngBuilder Chunk(string type, byte[] data)
    {
        var typeBytes = System.Text.Encoding.ASCII.GetBytes(type);
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        _bytes.Write(word);
        _bytes.Write(typeBytes);
        _bytes.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Compute(typeBytes, data));
        _bytes.Write(word);
        return this;
    }

    /// <summary>A 2×1 8-bit greyscale image whose single scanline uses the given raw bytes.</summary>
    public static byte[] TwoPixelGrey(params byte[] scanline) =>
        new PngBuilder().Chunk("IHDR", Header(2, 1, 8, 0)).Chunk("IDAT", Zlib(scanline)).Chunk("IEND", []).ToArray();

    public byte[] ToArray() => _bytes.ToArray();
}
