using System.Numerics;

namespace Explain.Imaging.Png;

/// <summary>
/// Forward PNG filters for the encoder, the inverse of <see cref="PngUnfilter"/>. Unlike the
/// inverse, every output byte depends only on the original rows, so each filter is one
/// element-wise operator run by a shared vector loop.
/// </summary>
internal static class PngFilter
{
    /// <summary>
    /// Writes the filter byte then the filtered row into dst; returns the sum of the filtered
    /// bytes read as signed values, the "minimum sum of absolute differences" score.
    /// </summary>
    public static long Apply(int filter, ReadOnlySpan<byte> row, ReadOnlySpan<byte> prior, int bpp, Span<byte> dst)
    {
        dst[0] = (byte)filter;
        var body = dst.Slice(1, row.Length);
        prior = prior[..row.Length];
        switch (filter)
        {
            case 0:
                row.CopyTo(body);
                break;
            case 1:
                Run<SubFilter>(row, prior, bpp, body);
                break;
            case 2:
                Run<UpFilter>(row, prior, bpp, body);
                break;
            case 3:
                Run<AverageFilter>(row, prior, bpp, body);
                break;
            default:
                Run<PaethFilter>(row, prior, bpp, body);
                break;
        }

        return SumOfAbsolutes(body);
    }

    /// <summary>Σ |(sbyte)v|: |−128| is 128, which Abs leaves as the byte 0x80, read unsigned.</summary>
    internal static long SumOfAbsolutes(ReadOnlySpan<byte> bytes)
    {
        long sum = 0;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            // A ushort lane takes at most 2·255 per step; flush before 128 steps can overflow it.
            int blockSize = 128 * Vector<byte>.Count;
            for (; i <= bytes.Length - Vector<byte>.Count;)
            {
                var lanes = Vector<ushort>.Zero;
                for (int end = Math.Min(bytes.Length - Vector<byte>.Count, i + blockSize - Vector<byte>.Count);
                     i <= end; i += Vector<byte>.Count)
                {
                    var magnitude = Vector.AsVectorByte(Vector.Abs(Vector.AsVectorSByte(new Vector<byte>(bytes[i..]))));
                    Vector.Widen(magnitude, out var low, out var high);
                    lanes += low + high;
                }

                Vector.Widen(lanes, out var low32, out var high32);
                sum += Vector.Sum(low32 + high32);
            }
        }

        for (; i < bytes.Length; i++)
        {
            int signed = (sbyte)bytes[i];
            sum += signed < 0 ? -signed : signed;
        }

        return sum;
    }

    /// <summary>dst[i] = op(x, a, b, c) with a, c the bytes bpp to the left (0 off the row's start).</summary>
    private static void Run<TFilter>(ReadOnlySpan<byte> row, ReadOnlySpan<byte> prior, int bpp, Span<byte> dst)
        where TFilter : struct, IFilter
    {
        int i = 0;
        for (int head = Math.Min(bpp, row.Length); i < head; i++)
        {
            dst[i] = TFilter.Invoke(row[i], 0, prior[i], 0);
        }

        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= row.Length - Vector<byte>.Count; i += Vector<byte>.Count)
            {
                TFilter.Invoke(new Vector<byte>(row[i..]), new Vector<byte>(row[(i - bpp)..]),
                    new Vector<byte>(prior[i..]), new Vector<byte>(prior[(i - bpp)..])).CopyTo(dst[i..]);
            }
        }

        for (; i < row.Length; i++)
        {
            dst[i] = TFilter.Invoke(row[i], row[i - bpp], prior[i], prior[i - bpp]);
        }
    }

    private interface IFilter
    {
        static abstract byte Invoke(byte x, byte a, byte b, byte c);

        static abstract Vector<byte> Invoke(Vector<byte> x, Vector<byte> a, Vector<byte> b, Vector<byte> c);
    }

    private readonly struct SubFilter : IFilter
    {
        public static byte Invoke(byte x, byte a, byte b, byte c) => (byte)(x - a);

        public static Vector<byte> Invoke(Vector<byte> x, Vector<byte> a, Vector<byte> b, Vector<byte> c) => x - a;
    }

    private readonly struct UpFilter : IFilter
    {
        public static byte Invoke(byte x, byte a, byte b, byte c) => (byte)(x - b);

        public static Vector<byte> Invoke(Vector<byte> x, Vector<byte> a, Vector<byte> b, Vector<byte> c) => x - b;
    }

    private readonly struct AverageFilter : IFilter
    {
        public static byte Invoke(byte x, byte a, byte b, byte c) => (byte)(x - ((a + b) >> 1));

        // floor((a + b) / 2) without widening: the shared bits plus half the differing ones.
        public static Vector<byte> Invoke(Vector<byte> x, Vector<byte> a, Vector<byte> b, Vector<byte> c) =>
            x - ((a & b) + Vector.ShiftRightLogical(a ^ b, 1));
    }

    private readonly struct PaethFilter : IFilter
    {
        public static byte Invoke(byte x, byte a, byte b, byte c) => (byte)(x - PngUnfilter.Paeth(a, b, c));

        public static Vector<byte> Invoke(Vector<byte> x, Vector<byte> a, Vector<byte> b, Vector<byte> c)
        {
            Vector.Widen(a, out var aLow, out var aHigh);
            Vector.Widen(b, out var bLow, out var bHigh);
            Vector.Widen(c, out var cLow, out var cHigh);
            return x - Vector.Narrow(Predict(aLow, bLow, cLow), Predict(aHigh, bHigh, cHigh));
        }

        /// <summary>The branch-free selection of <see cref="PngUnfilter.Paeth"/> on 16-bit lanes.</summary>
        private static Vector<ushort> Predict(Vector<ushort> a16, Vector<ushort> b16, Vector<ushort> c16)
        {
            Vector<short> a = Vector.AsVectorInt16(a16), b = Vector.AsVectorInt16(b16), c = Vector.AsVectorInt16(c16);
            var pa = Vector.Abs(b - c);
            var pb = Vector.Abs(a - c);
            var pc = Vector.Abs(a + b - c - c);
            var bOrC = Vector.ConditionalSelect(Vector.LessThanOrEqual(pb, pc), b, c);
            var useA = Vector.LessThanOrEqual(pa, pb) & Vector.LessThanOrEqual(pa, pc);
            return Vector.AsVectorUInt16(Vector.ConditionalSelect(useA, a, bOrC));
        }
    }
}
