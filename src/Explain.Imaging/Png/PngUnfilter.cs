namespace Explain.Imaging.Png;

/// <summary>Reverses the five PNG scanline filters in place (PNG spec §9.2–9.4).</summary>
internal static class PngUnfilter
{
    /// <param name="filter">Filter type byte that preceded the scanline.</param>
    /// <param name="row">Filtered bytes of the current scanline, reconstructed in place.</param>
    /// <param name="prior">Reconstructed previous scanline of the same pass; all zero for the first.</param>
    /// <param name="bpp">Bytes per complete pixel, at least 1.</param>
    public static void Apply(int filter, Span<byte> row, ReadOnlySpan<byte> prior, int bpp)
    {
        switch (filter)
        {
            case 0:
                break;
            case 1:
                for (int i = bpp; i < row.Length; i++)
                {
                    row[i] += row[i - bpp];
                }

                break;
            case 2:
                for (int i = 0; i < row.Length; i++)
                {
                    row[i] += prior[i];
                }

                break;
            case 3:
                for (int i = 0; i < row.Length; i++)
                {
                    int left = i >= bpp ? row[i - bpp] : 0;
                    row[i] += (byte)((left + prior[i]) >> 1);
                }

                break;
            case 4:
                for (int i = 0; i < row.Length; i++)
                {
                    int a = i >= bpp ? row[i - bpp] : 0, c = i >= bpp ? prior[i - bpp] : 0;
                    row[i] += Paeth(a, prior[i], c);
                }

                break;
            default:
                throw new ImageFormatException($"Corrupt PNG: unknown filter type {filter}.");
        }
    }

    /// <summary>Paeth predictor (§9.4): the neighbour closest to a + b − c, ties to a, then b.</summary>
    public static byte Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        if (pa <= pb && pa <= pc)
        {
            return (byte)a;
        }

        return (byte)(pb <= pc ? b : c);
    }
}
