using Explain.Engine.Errors;

namespace Explain.Cam.Targets;

/// <summary>
/// A similarity target (pytorch-grad-cam's SimilarityToConceptTarget; GAM's "why are these two
/// similar"): the cosine similarity of the model's embedding e to a reference embedding r,
/// f = e·r / (|e| |r|). Seed ∂f/∂e = r / (|e| |r|) − f e / |e|². The reference is a vector the caller
/// gives, or the embedding of a second image (<see cref="Explainer.Embed"/>); <paramref name="Label"/>
/// names it in the target's name, <paramref name="Kind"/> says where the reference came from.
/// </summary>
public sealed record SimilarityTarget(float[] Reference, string Label = "reference", string? OutputName = null, SimilarityReference Kind = SimilarityReference.Embedding) : CamTarget
{
    private const double Epsilon = 1e-12;

    public override string Name => $"similarity-{Label}";

    public override int? ClassIndex => null;

    public override string? Output => OutputName;

    public override CamTarget Bind(ReadOnlySpan<float> values, IReadOnlyList<int> shape)
    {
        if (values.Length != Reference.Length)
            throw new ArgumentException($"the reference embedding has {Reference.Length} values; {CamTarget.OutputText(OutputName)} has {values.Length} per sample");
        if (Norm(Reference) < Epsilon || Reference.Any(v => !float.IsFinite(v)))
            throw new ArgumentException("the reference embedding is zero or not finite");
        return this with { Geometry = new TargetGeometry.Similarity(Kind) };
    }

    public override void WriteSeed(ReadOnlySpan<float> scores, Span<float> seed)
    {
        Check(scores.Length);
        double ne = Norm(scores), nr = Norm(Reference);
        if (ne < Epsilon)
            return;
        double f = Dot(scores) / (ne * nr);
        for (int j = 0; j < scores.Length; j++)
            seed[j] = (float)(Reference[j] / (ne * nr) - f * scores[j] / (ne * ne));
    }

    public override float Score(ReadOnlySpan<float> scores)
    {
        Check(scores.Length);
        double ne = Norm(scores);
        return ne < Epsilon ? 0f : (float)(Dot(scores) / (ne * Norm(Reference)));
    }

    private void Check(int length)
    {
        if (length != Reference.Length)
            throw new ArgumentException($"the reference embedding has {Reference.Length} values; the output has {length} per sample");
    }

    private double Dot(ReadOnlySpan<float> e)
    {
        double sum = 0;
        for (int j = 0; j < e.Length; j++)
            sum += (double)e[j] * Reference[j];
        return sum;
    }

    private static double Norm(ReadOnlySpan<float> v)
    {
        double sum = 0;
        foreach (float x in v)
            sum += (double)x * x;
        return Math.Sqrt(sum);
    }

    public bool Equals(SimilarityTarget? other) => other is not null && Label == other.Label && OutputName == other.OutputName && Kind == other.Kind && Reference.AsSpan().SequenceEqual(other.Reference);

    public override int GetHashCode() => HashCode.Combine(Label, OutputName, Reference.Length);
}

/// <summary>
/// A similarity target whose reference is a second picture (GAM's "why are these two similar"): the
/// explainer embeds the picture first (<see cref="Explainer.ExplainPair"/>) and explains the
/// <see cref="SimilarityTarget"/> it becomes, named "similarity-image".
/// </summary>
public sealed record ImageSimilarityTarget(byte[] Image, string? OutputName = null) : CamTarget
{
    public override string Name => "similarity-image";

    public override int? ClassIndex => null;

    public override string? Output => OutputName;

    public override CamTarget Bind(ReadOnlySpan<float> values, IReadOnlyList<int> shape) => throw Unresolved();

    public override void WriteSeed(ReadOnlySpan<float> scores, Span<float> seed) => throw Unresolved();

    public override float Score(ReadOnlySpan<float> scores) => throw Unresolved();

    private static InvalidOperationException Unresolved() => new("a similarity target's reference image is embedded before the explanation (Explainer.ExplainPair)");

    public bool Equals(ImageSimilarityTarget? other) => other is not null && OutputName == other.OutputName && Image.AsSpan().SequenceEqual(other.Image);

    public override int GetHashCode() => HashCode.Combine(OutputName, Image.Length);
}
