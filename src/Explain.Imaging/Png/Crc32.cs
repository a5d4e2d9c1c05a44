using System.Buffers.Binary;

namespace Explain.Imaging.Png;

/// <summary>
/// CRC-32 (ISO 3309, polynomial 0xEDB88320 reflected) as PNG chunks use it (PNG spec §5.5).
/// Slicing-by-8: eight tables let one step consume eight bytes, where table k maps a byte to
/// its CRC contribution k positions before the end of the word (Kounavis and Berry, 2005).
/// </summary>
internal static class Crc32
{
    private static readonly uint[] Tables = BuildTables();

    public static uint Compute(ReadOnlySpan<byte> data) => Update(0xFFFFFFFFu, data) ^ 0xFFFFFFFFu;

    public static uint Compute(ReadOnlySpan<byte> type, ReadOnlySpan<byte> data) =>
        Update(Update(0xFFFFFFFFu, type), data) ^ 0xFFFFFFFFu;

    private static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<uint> t = Tables;
        while (data.Length >= 8)
        {
            ulong v = BinaryPrimitives.ReadUInt64LittleEndian(data) ^ crc;
            crc = t[(7 * 256) + (int)(v & 0xFF)] ^ t[(6 * 256) + (int)((v >> 8) & 0xFF)]
                ^ t[(5 * 256) + (int)((v >> 16) & 0xFF)] ^ t[(4 * 256) + (int)((v >> 24) & 0xFF)]
                ^ t[(3 * 256) + (int)((v >> 32) & 0xFF)] ^ t[(2 * 256) + (int)((v >> 40) & 0xFF)]
                ^ t[256 + (int)((v >> 48) & 0xFF)] ^ t[(int)(v >> 56)];
            data = data[8..];
        }

        foreach (byte b in data)
        {
            crc = t[(int)((crc ^ b) & 0xFF)] ^ (crc >> 8);
        }

        return crc;
    }

    private static uint[] BuildTables()
    {
        var tables = new uint[8 * 256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            tables[n] = c;
        }

        for (int i = 256; i < tables.Length; i++)
        {
            uint previous = tables[i - 256];
            tables[i] = (previous >> 8) ^ tables[previous & 0xFF];
        }

        return tables;
    }
}
