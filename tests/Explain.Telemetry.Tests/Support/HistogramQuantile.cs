namespace Explain.Telemetry.Tests.Support;

/// <summary>
/// Prometheus' histogram_quantile over one series' cumulative buckets, read from a scrape: linear
/// interpolation inside the bucket holding the rank, lower bound 0 for the first bucket, and the
/// highest finite bound when the rank falls in +Inf (promql/quantile.go).
/// </summary>
public static class HistogramQuantile
{
    public static double FromScrape(string scrape, string bucketMetric, double quantile, params (string Key, string Value)[] labels)
    {
        var buckets = Samples.Find(scrape, bucketMetric, labels)
            .Select(s => (UpperBound: s.Labels["le"] == "+Inf" ? double.PositiveInfinity : double.Parse(s.Labels["le"], System.Globalization.CultureInfo.InvariantCulture), Count: s.Value))
            .OrderBy(b => b.UpperBound)
            .ToList();
        if (buckets.Count == 0)
            throw new InvalidOperationException($"No buckets '{bucketMetric}' in the scrape.");
        var total = buckets[^1].Count;
        var rank = quantile * total;
        var index = buckets.FindIndex(b => b.Count >= rank);
        if (double.IsPositiveInfinity(buckets[index].UpperBound))
            return buckets[^2].UpperBound;
        var lower = index == 0 ? 0 : buckets[index - 1].UpperBound;
        var below = index == 0 ? 0 : buckets[index - 1].Count;
        return lower + ((buckets[index].UpperBound - lower) * (rank - below) / (buckets[index].Count - below));
    }
}
