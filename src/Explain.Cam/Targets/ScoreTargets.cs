namespace Explain.Cam.Targets;

// Targets beyond the class logit (issue 14, part 1), with pytorch-grad-cam's semantics
// (pytorch_grad_cam/utils/model_targets.py): each is a scalar f of the scores row y, and its seed
// is ∂f/∂y evaluated at y, so every target of a request rides the same batched backward pass.

/// <summary>The softmax probability p_c = exp(y_c) / Σ exp(y) (pytorch-grad-cam's ClassifierOutputSoftmaxTarget); seed p_c (δ_c − p).</summary>
public sealed record SoftmaxTarget(int Class) : CamTarget
{
    public override string Name => $"c{Class}-softmax";

    public override int? ClassIndex => Class;

    public override void WriteSeed(ReadOnlySpan<float> scores, Span<float> seed)
    {
        ScoreMath.CheckClass(Class, scores.Length);
        var p = ScoreMath.Softmax(scores);
        for (int j = 0; j < scores.Length; j++)
            seed[j] = (float)(p[Class] * ((j == Class ? 1 : 0) - p[j]));
    }

    public override float Score(ReadOnlySpan<float> scores)
    {
        ScoreMath.CheckClass(Class, scores.Length);
        return (float)ScoreMath.Softmax(scores)[Class];
    }

    /// <summary>∂²p_c/∂y_i∂y_j = p_c [(δ_ci − p_i)(δ_cj − p_j) − p_i (δ_ij − p_j)], times v.</summary>
    public override void WriteHessianProduct(ReadOnlySpan<float> scores, ReadOnlySpan<double> direction, Span<double> result)
    {
        ScoreMath.CheckClass(Class, scores.Length);
        var p = ScoreMath.Softmax(scores);
        double pv = 0, cv = 0;
        for (int j = 0; j < p.Length; j++)
        {
            pv += p[j] * direction[j];
            cv += ((j == Class ? 1 : 0) - p[j]) * direction[j];
        }
        for (int i = 0; i < p.Length; i++)
            result[i] = p[Class] * (((i == Class ? 1 : 0) - p[i]) * cv - p[i] * (direction[i] - pv));
    }
}

/// <summary>
/// ReST, y_c + log p_c = y_c − CrossEntropy(y, c) (pytorch-grad-cam's ClassifierOutputReST, the
/// ShapleyCAM paper's target); seed 2 δ_c − p.
/// </summary>
public sealed record RestTarget(int Class) : CamTarget
{
    public override string Name => $"c{Class}-rest";

    public override int? ClassIndex => Class;

    public override void WriteSeed(ReadOnlySpan<float> scores, Span<float> seed)
    {
        ScoreMath.CheckClass(Class, scores.Length);
        var p = ScoreMath.Softmax(scores);
        for (int j = 0; j < scores.Length; j++)
            seed[j] = (float)((j == Class ? 2 : 0) - p[j]);
    }

    public override float Score(ReadOnlySpan<float> scores)
    {
        ScoreMath.CheckClass(Class, scores.Length);
        return (float)(scores[Class] + scores[Class] - ScoreMath.LogSumExp(scores));
    }

    /// <summary>∇²(y_c + log p_c) = −(diag p − p pᵀ), times v.</summary>
    public override void WriteHessianProduct(ReadOnlySpan<float> scores, ReadOnlySpan<double> direction, Span<double> result)
    {
        var p = ScoreMath.Softmax(scores);
        double pv = 0;
        for (int j = 0; j < p.Length; j++)
            pv += p[j] * direction[j];
        for (int i = 0; i < p.Length; i++)
            result[i] = -(p[i] * direction[i] - p[i] * pv);
    }
}

/// <summary>
/// A binary classifier's or a regression model's single output, +y for the positive category and −y
/// for the negative one (pytorch-grad-cam's BinaryClassifierOutputTarget: category 1 → +y, else −y).
/// The model must have exactly one score.
/// </summary>
public sealed record BinaryTarget(bool Positive) : CamTarget
{
    public override string Name => Positive ? "binary-positive" : "binary-negative";

    public override int? ClassIndex => null;

    public override void WriteSeed(ReadOnlySpan<float> scores, Span<float> seed)
    {
        Check(scores.Length);
        seed[0] = Positive ? 1f : -1f;
    }

    public override float Score(ReadOnlySpan<float> scores)
    {
        Check(scores.Length);
        return Positive ? scores[0] : -scores[0];
    }

    private static void Check(int scores)
    {
        if (scores != 1)
            throw new ArgumentException($"a binary target needs a model with one score output; this one has {scores} (use a class, softmax or rest target)");
    }
}

/// <summary>The sum of every raw score Σ_j y_j (pytorch-grad-cam's RawScoresOutputTarget summed, as its backward sums it); seed all ones.</summary>
public sealed record ScoresSumTarget : CamTarget
{
    public override string Name => "sum";

    public override int? ClassIndex => null;

    public override void WriteSeed(ReadOnlySpan<float> scores, Span<float> seed) => seed[..scores.Length].Fill(1f);

    public override float Score(ReadOnlySpan<float> scores)
    {
        double sum = 0;
        foreach (float s in scores)
            sum += s;
        return (float)sum;
    }
}

/// <summary>A multi-label set: Σ_{c ∈ S} y_c, the classes explained together in one map; seed 1 at each class of the set.</summary>
public sealed record MultiLabelTarget : CamTarget
{
    public MultiLabelTarget(IReadOnlyList<int> classes)
    {
        if (classes.Count == 0)
            throw new ArgumentException("a multi-label target names at least one class");
        if (classes.Distinct().Count() != classes.Count)
            throw new ArgumentException("a multi-label target names each class once");
        Classes = classes.ToArray();
    }

    public IReadOnlyList<int> Classes { get; }

    public override string Name => "labels-" + string.Join('+', Classes);

    public override int? ClassIndex => null;

    public override void WriteSeed(ReadOnlySpan<float> scores, Span<float> seed)
    {
        foreach (int c in Classes)
        {
            ScoreMath.CheckClass(c, scores.Length);
            seed[c] = 1f;
        }
    }

    public override float Score(ReadOnlySpan<float> scores)
    {
        double sum = 0;
        foreach (int c in Classes)
        {
            ScoreMath.CheckClass(c, scores.Length);
            sum += scores[c];
        }
        return (float)sum;
    }

    public bool Equals(MultiLabelTarget? other) => other is not null && Classes.SequenceEqual(other.Classes);

    public override int GetHashCode() => Classes.Aggregate(17, (h, c) => h * 31 + c);
}

/// <summary>Softmax in float64, shifted by the maximum (no overflow for any float32 scores).</summary>
internal static class ScoreMath
{
    public static double[] Softmax(ReadOnlySpan<float> scores)
    {
        double lse = LogSumExp(scores);
        var p = new double[scores.Length];
        for (int j = 0; j < scores.Length; j++)
            p[j] = Math.Exp(scores[j] - lse);
        return p;
    }

    public static double LogSumExp(ReadOnlySpan<float> scores)
    {
        double max = double.NegativeInfinity;
        foreach (float s in scores)
            max = Math.Max(max, s);
        double sum = 0;
        foreach (float s in scores)
            sum += Math.Exp(s - max);
        return max + Math.Log(sum);
    }

    public static void CheckClass(int c, int classes)
    {
        if ((uint)c >= (uint)classes)
            throw new ArgumentOutOfRangeException(nameof(c), $"class {c} is outside the model's {classes} classes");
    }
}
