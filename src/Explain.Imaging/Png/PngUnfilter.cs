using System.Numerics;

namespace Explain.Imaging.Png;

/// <summary>
/// Reverses the five PNG scanline filters in place (PNG spec §9.2–9.4). The first bpp bytes, whose
/// left neighbours are zero, run separately, so the main loops carry no per-byte test; Up has no
/// dependency along the row and is vectorised; the others are specialised per predictor.
/// </summary>
internal static class PngUnfilter
{
    /// <param name="filter">Filter type byte that preceded the scanline.</param>
    /// <param name="row">Filtered bytes of the current scanline, reconstructed in place.</param>
    /// <param name="prior">Reconstructed previous scanline of the same pass; all zero for the first.</param>
    /// <param name="bpp">Bytes per complete pixel, at least 1.</param>
    public static void Apply(int filter, Span<byte> row, ReadOnlySpan<byte> prior, int bpp)
    {
        prior = prior[..row.Length];
        switch (filter)
        {
            case 0:
                break;
            case 1:
                Reconstruct<SubPredictor>(row, prior, bpp);
                break;
            case 2:
                Up(row, prior);
                break;
            case 3:
                Reconstruct<AveragePredictor>(row, prior, bpp);
                break;
            case 4:
                Reconstruct<PaethPredictor>(row, prior, bpp);
                break;
            default:
                CheckFilter(filter);
                break;
        }
    }

    /// <summary>Throws for a filter type byte other than 0–4 (None, Sub, Up, Average, Paeth).</summary>
    public static void CheckFilter(int filter)
    {
        if ((uint)filter > 4)
        {
            throw new ImageFormatException($"Corrupt PNG: unknown filter type {filter}.");
        }
    }

    /// <summary>Paeth predictor (§9.4): the neighbour closest to a + b − c, ties to a, then b.</summary>
    public static byte Paeth(int a, int b, int c)
    {
        // pa = |p − a| = |b − c|, pb = |p − b| = |a − c|, pc = |p − c| = |a + b − 2c|; the
        // selections are sign masks so that unpredictable image data costs no mispredictions.
        int pa = Abs(b - c), pb = Abs(a - c), pc = Abs(a + b - c - c);
        int bOrC = b ^ ((b ^ c) & ((pc - pb) >> 31));
        return (byte)(a ^ ((a ^ bOrC) & (((pb - pa) | (pc - pa)) >> 31)));
    }

    private static int Abs(int x)
    {
        int sign = x >> 31;
        return (x ^ sign) - sign;
    }

    private static void Up(Span<byte> row, ReadOnlySpan<byte> prior)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= row.Length - Vector<byte>.Count; i += Vector<byte>.Count)
            {
                (new Vector<byte>(row[i..]) + new Vector<byte>(prior[i..])).CopyTo(row[i..]);
            }
        }

        for (; i < row.Length; i++)
        {
            row[i] += prior[i];
        }
    }

    /// <summary>
    /// Sub, Average and Paeth depend on the reconstructed left neighbour. For 3- and 4-byte pixels
    /// the neighbours stay in locals, so the chain runs through registers instead of a store and
    /// reload per byte, and the channels' chains overlap.
    /// </summary>
    private static void Reconstruct<TPredictor>(Span<byte> row, ReadOnlySpan<byte> prior, int bpp)
        where TPredictor : struct, IPredictor
    {
        int head = Math.Min(bpp, row.Length);
        for (int i = 0; i < head; i++)
        {
            row[i] += (byte)TPredictor.Predict(0, prior[i], 0);
        }

        int done = bpp switch
        {
            3 => Reconstruct3<TPredictor>(row, prior),
            4 => Reconstruct4<TPredictor>(row, prior),
            _ => head,
        };
        for (int i = done; i < row.Length; i++)
        {
            row[i] += (byte)TPredictor.Predict(row[i - bpp], prior[i], prior[i - bpp]);
        }
    }

    /// <summary>Bytes 3.. of a row of 3-byte pixels; returns where it stopped.</summary>
    private static int Reconstruct3<TPredictor>(Span<byte> row, ReadOnlySpan<byte> prior)
        where TPredictor : struct, IPredictor
    {
        if (row.Length < 6)
        {
            return Math.Min(3, row.Length);
        }

        int a0 = row[0], a1 = row[1], a2 = row[2], c0 = prior[0], c1 = prior[1], c2 = prior[2];
        int i = 3;
        for (; i <= row.Length - 3; i += 3)
        {
            int b0 = prior[i], b1 = prior[i + 1], b2 = prior[i + 2];
            a0 = (byte)(row[i] + TPredictor.Predict(a0, b0, c0));
            a1 = (byte)(row[i + 1] + TPredictor.Predict(a1, b1, c1));
            a2 = (byte)(row[i + 2] + TPredictor.Predict(a2, b2, c2));
            row[i] = (byte)a0;
            row[i + 1] = (byte)a1;
            row[i + 2] = (byte)a2;
            (c0, c1, c2) = (b0, b1, b2);
        }

        return i;
    }

    /// <summary>Bytes 4.. of a row of 4-byte pixels; returns where it stopped.</summary>
    private static int Reconstruct4<TPredictor>(Span<byte> row, ReadOnlySpan<byte> prior)
        where TPredictor : struct, IPredictor
    {
        if (row.Length < 8)
        {
            return Math.Min(4, row.Length);
        }

        int a0 = row[0], a1 = row[1], a2 = row[2], a3 = row[3];
        int c0 = prior[0], c1 = prior[1], c2 = prior[2], c3 = prior[3];
        int i = 4;
        for (; i <= row.Length - 4; i += 4)
        {
            int b0 = prior[i], b1 = prior[i + 1], b2 = prior[i + 2], b3 = prior[i + 3];
            a0 = (byte)(row[i] + TPredictor.Predict(a0, b0, c0));
            a1 = (byte)(row[i + 1] + TPredictor.Predict(a1, b1, c1));
            a2 = (byte)(row[i + 2] + TPredictor.Predict(a2, b2, c2));
            a3 = (byte)(row[i + 3] + TPredictor.Predict(a3, b3, c3));
            row[i] = (byte)a0;
            row[i + 1] = (byte)a1;
            row[i + 2] = (byte)a2;
            row[i + 3] = (byte)a3;
            (c0, c1, c2, c3) = (b0, b1, b2, b3);
        }

        return i;
    }

    /// <summary>Prediction from the left (a), upper (b) and upper-left (c) reconstructed bytes.</summary>
    private interface IPredictor
    {
        static abstract int Predict(int a, int b, int c);
    }

    private readonly struct SubPredictor : IPredictor
    {
        public static int Predict(int a, int b, int c) => a;
    }

    private readonly struct AveragePredictor : IPredictor
    {
        public static int Predict(int a, int b, int c) => (a + b) >> 1;
    }

    private readonly struct PaethPredictor : IPredictor
    {
        public static int Predict(int a, int b, int c) => Paeth(a, b, c);
    }
}
