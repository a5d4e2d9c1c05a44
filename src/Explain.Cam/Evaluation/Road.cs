namespace Explain.Cam.Evaluation;

/// <summary>
/// ROAD's removal masks (pytorch-grad-cam metrics/perturbation_confidence.py
/// RemoveMostRelevantFirst / RemoveLeastRelevantFirst): a pixel is kept where the map (MoRF) or
/// 1 − map (LeRF) is strictly below the percentile of its values, NumPy's linear interpolation.
/// </summary>
internal static class Road
{
    public static bool[] Keep(float[] map, double percentile, bool mostRelevantFirst)
    {
        var values = mostRelevantFirst ? map : map.Select(v => 1 - v).ToArray();
        double threshold = Percentile(values, percentile);
        return values.Select(v => v < threshold).ToArray();
    }

    /// <summary>np.percentile(values, p) with method "linear": the (n − 1)·p/100-th order statistic, interpolated as NumPy's _lerp does.</summary>
    public static double Percentile(float[] values, double p)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        double position = (sorted.Length - 1) * (p / 100);
        int low = (int)Math.Floor(position);
        int high = Math.Min(low + 1, sorted.Length - 1);
        double t = position - low, a = sorted[low], b = sorted[high], diff = b - a;
        return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
    }

    /// <summary>MoRF and LeRF averages over <paramref name="percentiles"/> from per-(percentile, order) score changes.</summary>
    public static RoadScores Average(IReadOnlyList<double> percentiles, Func<double, bool, float> change)
    {
        var morf = percentiles.Select(p => change(p, true)).ToList();
        var lerf = percentiles.Select(p => change(p, false)).ToList();
        float m = morf.Average(), l = lerf.Average();
        return new RoadScores(percentiles, morf, lerf, m, l, (l - m) / 2);
    }
}
