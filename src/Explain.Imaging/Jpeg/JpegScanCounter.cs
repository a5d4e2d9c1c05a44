using System.Buffers.Binary;

namespace Explain.Imaging.Jpeg;

/// <summary>
/// Counts the scans (SOS segments) of a JPEG by walking its marker segments (ITU T.81 §B.1.1),
/// skipping entropy-coded data up to the next marker that is neither a stuffed 0xFF00 nor a
/// restart. Linear in the file size and allocation-free: run before the decoder, whose cost grows
/// with scans × image size. A malformed stream just ends the count; the decoder reports it.
/// </summary>
internal static class JpegScanCounter
{
    private const byte Sos = 0xDA, Eoi = 0xD9, Tem = 0x01, Rst0 = 0xD0, Rst7 = 0xD7;

    /// <summary>The number of scans, or <paramref name="stopAt"/> as soon as that many are seen.</summary>
    public static int Count(ReadOnlySpan<byte> jpeg, int stopAt)
    {
        int scans = 0, i = 2; // after SOI
        while (scans < stopAt)
        {
            i = NextMarker(jpeg, i);
            if (i < 0 || i >= jpeg.Length)
            {
                return scans;
            }

            byte marker = jpeg[i++];
            if (marker == Eoi)
            {
                return scans;
            }

            if (marker == Tem || marker is >= Rst0 and <= Rst7)
            {
                continue; // standalone markers carry no length
            }

            if (i + 2 > jpeg.Length)
            {
                return scans;
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(jpeg[i..]);
            if (length < 2)
            {
                return scans;
            }

            i += length;
            if (marker == Sos)
            {
                scans++;
                i = SkipEntropyData(jpeg, i);
            }
        }

        return scans;
    }

    /// <summary>Index of the marker code after 0xFF (fill bytes skipped), or −1.</summary>
    private static int NextMarker(ReadOnlySpan<byte> jpeg, int i)
    {
        while (i < jpeg.Length && jpeg[i] != 0xFF)
        {
            i++; // stray bytes between segments: libjpeg warns and skips them too
        }

        while (i < jpeg.Length && jpeg[i] == 0xFF)
        {
            i++;
        }

        return i < jpeg.Length ? i : -1;
    }

    /// <summary>Index of the 0xFF that starts the first marker after the scan's data.</summary>
    private static int SkipEntropyData(ReadOnlySpan<byte> jpeg, int i)
    {
        while (i < jpeg.Length)
        {
            int next = jpeg[i..].IndexOf((byte)0xFF);
            if (next < 0)
            {
                return jpeg.Length;
            }

            i += next;
            int j = i + 1;
            while (j < jpeg.Length && jpeg[j] == 0xFF)
            {
                j++;
            }

            if (j >= jpeg.Length)
            {
                return jpeg.Length;
            }

            byte code = jpeg[j];
            if (code != 0x00 && code is not (>= Rst0 and <= Rst7))
            {
                return i;
            }

            i = j + 1;
        }

        return i;
    }
}
