using Explain.Engine.Tensors;

namespace Explain.Cam.Targets;

/// <summary>
/// FinerCAM's score (Zhang et al., CVPR 2025, §3: explain y^c − α y^d, d a class similar to c), in
/// pytorch-grad-cam's form (HEAD 084273b, finer_cam.py and model_targets.FinerWeightedTarget): the
/// comparison classes S are the k classes whose scores are nearest to y^c (smallest |y^j − y^c|, c
/// itself excluded), and the score is their softmax-weighted mean difference
/// T = Σ_{j∈S} p_j (y^c − α y^j) / (Σ_{j∈S} p_j + 1e-9), p = softmax(y).
/// </summary>
/// <remarks>
/// NOTE upstream differentiates through the weights p_j (they are not detached), so the seed row
/// ∂T/∂y is dense: with P = Σ_S p_j, N = Σ_S p_j d_j, d_j = y^c − α y^j,
/// ∂N/∂y_m = [m∈S] p_m d_m − p_m N + [m=c] P − α [m∈S] p_m and ∂P/∂y_m = [m∈S] p_m − p_m P,
/// ∂T/∂y_m = ∂N/∂y_m / (P + ε) − N ∂P/∂y_m / (P + ε)². One row per target: by the chain rule
/// ∂T/∂A = Σ_m (∂T/∂y_m) ∂y_m/∂A, so it rides the shared backward pass as one more seed row.
/// A counterfactual target negates the row.
/// </remarks>
public static class FinerCamTarget
{
    private const double Epsilon = 1e-9;

    /// <summary>The comparison classes of <paramref name="c"/>: the <paramref name="k"/> nearest scores, nearest first (ties by index).</summary>
    public static int[] Comparisons(ReadOnlySpan<float> scores, int c, int k)
    {
        if (k >= scores.Length)
            throw new ArgumentException($"finercam_comparisons {k} needs more than {k} classes; the model has {scores.Length}");
        double yc = scores[c];
        var copy = scores.ToArray();
        return Enumerable.Range(0, copy.Length).Where(j => j != c).OrderBy(j => Math.Abs(copy[j] - yc)).ThenBy(j => j).Take(k).ToArray();
    }

    /// <summary>∂T/∂y for class <paramref name="c"/> (see the remarks), in double precision.</summary>
    public static double[] Seed(ReadOnlySpan<float> scores, int c, double alpha, int k)
    {
        var comparisons = Comparisons(scores, c, k);
        int n = scores.Length;
        double max = double.NegativeInfinity;
        foreach (var s in scores) max = Math.Max(max, s);
        var p = new double[n];
        double z = 0;
        for (int m = 0; m < n; m++) z += p[m] = Math.Exp(scores[m] - max);
        for (int m = 0; m < n; m++) p[m] /= z;
        double sumP = 0, sumN = 0;
        foreach (int j in comparisons)
        {
            sumP += p[j];
            sumN += p[j] * (scores[c] - alpha * scores[j]);
        }
        var inS = new bool[n];
        foreach (int j in comparisons) inS[j] = true;
        double d = sumP + Epsilon;
        var seed = new double[n];
        for (int m = 0; m < n; m++)
        {
            double dn = (inS[m] ? p[m] * (scores[c] - alpha * scores[m]) - alpha * p[m] : 0) - p[m] * sumN + (m == c ? sumP : 0);
            double dp = (inS[m] ? p[m] : 0) - p[m] * sumP;
            seed[m] = dn / d - sumN * dp / (d * d);
        }
        return seed;
    }

    /// <summary>One seed row per target, [K, classes]; every target must concern a class.</summary>
    public static Tensor Seeds(IReadOnlyList<CamTarget> targets, ReadOnlySpan<float> scores, double alpha, int k)
    {
        var seeds = Tensor.Zeros(targets.Count, scores.Length);
        for (int t = 0; t < targets.Count; t++)
        {
            int c = targets[t].ClassIndex ?? throw new ArgumentException($"finercam explains class targets; target '{targets[t].Name}' has no class");
            double sign = targets[t] is ClassTarget { Counterfactual: true } ? -1 : 1;
            var row = Seed(scores, c, alpha, k);
            for (int m = 0; m < row.Length; m++)
                seeds.Floats[t * scores.Length + m] = (float)(sign * row[m]);
        }
        return seeds;
    }
}
