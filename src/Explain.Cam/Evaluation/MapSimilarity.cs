namespace Explain.Cam.Evaluation;

/// <summary>
/// Correlations between two maps of equal length, in double. Identical maps are 1 exactly (also
/// when constant); a constant map against a different one is 0 (no linear or rank relation to measure).
/// </summary>
internal static class MapSimilarity
{
    public static double Pearson(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.SequenceEqual(b))
            return 1;
        var x = new double[a.Length];
        var y = new double[b.Length];
        for (int i = 0; i < a.Length; i++) (x[i], y[i]) = (a[i], b[i]);
        return Correlation(x, y);
    }

    /// <summary>Spearman's ρ: Pearson's r of the ranks, ties given their average rank (scipy.stats.spearmanr).</summary>
    public static double Spearman(ReadOnlySpan<float> a, ReadOnlySpan<float> b) =>
        a.SequenceEqual(b) ? 1 : Correlation(Ranks(a), Ranks(b));

    private static double Correlation(double[] x, double[] y)
    {
        double mx = x.Average(), my = y.Average(), cov = 0, vx = 0, vy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double dx = x[i] - mx, dy = y[i] - my;
            cov += dx * dy; vx += dx * dx; vy += dy * dy;
        }
        return vx == 0 || vy == 0 ? 0 : cov / Math.Sqrt(vx * vy);
    }

    private static double[] Ranks(ReadOnlySpan<float> values)
    {
        var copy = values.ToArray();
        var order = Enumerable.Range(0, copy.Length).OrderBy(i => copy[i]).ToArray();
        var ranks = new double[copy.Length];
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && copy[order[end + 1]] == copy[order[start]]) end++;
            double rank = (start + end) / 2.0 + 1;
            for (int i = start; i <= end; i++) ranks[order[i]] = rank;
            start = end + 1;
        }
        return ranks;
    }
}
