using Explain.Engine.Errors;
using Explain.Engine.Tensors;

namespace Explain.Cam.Targets;

/// <summary>
/// Any one scalar of any output, by output name and index (issue 14's general case: a captioning
/// model's token log-probability, a VQA model's answer score, one pixel of a depth map). The index
/// is either one flat index into the sample (batch axis excluded) or one index per axis of it;
/// <paramref name="Negate"/> explains −y. Seed: ±1 at that element.
/// </summary>
public sealed record OutputTarget(string OutputName, IReadOnlyList<int> Index, bool Negate = false) : CamTarget
{
    private int _flat = -1;

    public override string Name => $"out:{OutputName}[{string.Join(',', Index)}]" + (Negate ? "-negated" : "");

    public override int? ClassIndex => null;

    public override string? Output => OutputName;

    public override CamTarget Bind(ReadOnlySpan<float> values, IReadOnlyList<int> shape) => this with { _flat = Flat(shape, values.Length) };

    public override void WriteSeed(ReadOnlySpan<float> scores, Span<float> seed) => seed[At(scores.Length)] = Negate ? -1f : 1f;

    public override float Score(ReadOnlySpan<float> scores) => Negate ? -scores[At(scores.Length)] : scores[At(scores.Length)];

    private int At(int length)
    {
        int flat = _flat >= 0 ? _flat : Flat([length], length);
        if (flat >= length)
            throw new ArgumentException($"output '{LogText.Of(OutputName)}' has {length} values per sample; index {flat} is outside it");
        return flat;
    }

    private int Flat(IReadOnlyList<int> shape, int length)
    {
        if (Index.Count == 0)
            throw new ArgumentException($"target on output '{LogText.Of(OutputName)}': give an index");
        if (Index.Count == 1)
        {
            if (Index[0] < 0 || Index[0] >= length)
                throw new ArgumentException($"output '{LogText.Of(OutputName)}' has {length} values per sample ({TensorShape.Format(shape.ToArray())}); index {Index[0]} is outside it");
            return Index[0];
        }
        if (Index.Count != shape.Count)
            throw new ArgumentException($"output '{LogText.Of(OutputName)}' has shape {TensorShape.Format(shape.ToArray())} per sample; index [{string.Join(',', Index)}] has {Index.Count} axes (give {shape.Count}, or one flat index)");
        int flat = 0;
        for (int a = 0; a < shape.Count; a++)
        {
            if (Index[a] < 0 || Index[a] >= shape[a])
                throw new ArgumentException($"output '{LogText.Of(OutputName)}' has shape {TensorShape.Format(shape.ToArray())} per sample; index {Index[a]} on axis {a} is outside it");
            flat = flat * shape[a] + Index[a];
        }
        return flat;
    }

    public bool Equals(OutputTarget? other) => other is not null && OutputName == other.OutputName && Index.SequenceEqual(other.Index) && Negate == other.Negate;

    public override int GetHashCode() => HashCode.Combine(OutputName, Index.Aggregate(17, (h, i) => h * 31 + i), Negate);
}
