namespace Explain.Imaging.Png;

/// <summary>
/// CRC-32 (ISO 3309, polynomial 0xEDB88320 reflected) as PNG chunks use it (PNG spec §5.5), by
/// System.IO.Hashing (vectorized where the CPU allows): a chunk's CRC covers its type and its data.
/// </summary>
internal static class Crc32
{
    public static uint Compute(ReadOnlySpan<byte> data) => System.IO.Hashing.Crc32.HashToUInt32(data);

    public static uint Compute(ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        var crc = new System.IO.Hashing.Crc32();
        crc.Append(type);
        crc.Append(data);
        return crc.GetCurrentHashAsUInt32();
    }
}
