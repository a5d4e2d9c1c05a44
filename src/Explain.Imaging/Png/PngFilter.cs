namespace Explain.Imaging.Png;

/// <summary>Forward PNG filters for the encoder, the inverse of <see cref="PngUnfilter"/>.</summary>
internal static class PngFilter
{
    /// <summary>
    /// Writes the filter byte then the filtered row into dst; returns the sum of the filtered
    /// bytes read as signed values, the "minimum sum of absolute differences" score.
    /// </summary>
    public static long Apply(int filter, ReadOnlySpan<byte> row, ReadOnlySpan<byte> prior, int bpp, Span<byte> dst)
    {
        dst[0] = (byte)filter;
        long score = 0;
        for (int i = 0; i < row.Length; i++)
        {
            int a = i >= bpp ? row[i - bpp] : 0;
            int b = prior[i];
            int c = i >= bpp ? prior[i - bpp] : 0;
            int predicted = filter switch
            {
                0 => 0,
                1 => a,
                2 => b,
                3 => (a + b) >> 1,
                _ => PngUnfilter.Paeth(a, b, c),
            };
            byte v = (byte)(row[i] - predicted);
            dst[i + 1] = v;
            int signed = (sbyte)v;
            score += signed < 0 ? -signed : signed;
        }

        return score;
    }
}
