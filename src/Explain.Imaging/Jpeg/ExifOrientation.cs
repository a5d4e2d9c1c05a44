using System.Buffers.Binary;

namespace Explain.Imaging.Jpeg;

/// <summary>
/// Reads EXIF tag 0x0112 (Orientation) from a JPEG's APP1 "Exif" segment (EXIF 2.32 §4.6.4).
/// Anything malformed yields 1 (as stored): orientation is a hint, never a reason to fail.
/// </summary>
internal static class ExifOrientation
{
    private const ushort OrientationTag = 0x0112;

    public static bool SwapsAxes(int orientation) => orientation is >= 5 and <= 8;

    public static int Read(ReadOnlySpan<byte> jpeg)
    {
        int pos = 2;
        while (pos + 4 <= jpeg.Length && jpeg[pos] == 0xFF)
        {
            byte marker = jpeg[pos + 1];
            if (marker == 0xDA || marker == 0xD9)
            {
                break;
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(jpeg.Slice(pos + 2));
            if (length < 2 || pos + 2 + length > jpeg.Length)
            {
                break;
            }

            var body = jpeg.Slice(pos + 4, length - 2);
            if (marker == 0xE1 && body.StartsWith("Exif\0\0"u8))
            {
                return FromTiff(body[6..]);
            }

            pos += 2 + length;
        }

        return 1;
    }

    private static int FromTiff(ReadOnlySpan<byte> tiff)
    {
        if (tiff.Length < 8)
        {
            return 1;
        }

        bool little = tiff[0] == (byte)'I' && tiff[1] == (byte)'I';
        if (!little && !(tiff[0] == (byte)'M' && tiff[1] == (byte)'M'))
        {
            return 1;
        }

        uint ifd = ReadU32(tiff[4..], little);
        if (ifd > (uint)tiff.Length - 2)
        {
            return 1;
        }

        int count = ReadU16(tiff[(int)ifd..], little);
        for (int i = 0; i < count; i++)
        {
            int entry = (int)ifd + 2 + 12 * i;
            if (entry + 12 > tiff.Length)
            {
                break;
            }

            if (ReadU16(tiff[entry..], little) == OrientationTag)
            {
                int value = ReadU16(tiff[(entry + 8)..], little);
                return value is >= 1 and <= 8 ? value : 1;
            }
        }

        return 1;
    }

    private static ushort ReadU16(ReadOnlySpan<byte> s, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(s) : BinaryPrimitives.ReadUInt16BigEndian(s);

    private static uint ReadU32(ReadOnlySpan<byte> s, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(s) : BinaryPrimitives.ReadUInt32BigEndian(s);
}
