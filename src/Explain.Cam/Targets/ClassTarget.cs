namespace Explain.Cam.Targets;

/// <summary>
/// The pre-softmax score y^c of one class (Grad-CAM explains y^c, not the probability).
/// Counterfactual (Selvaraju et al., §3 "Counterfactual Explanations"): the negated gradient,
/// showing regions that would lower the class's score.
/// </summary>
public sealed record ClassTarget(int Class, bool Counterfactual = false) : CamTarget
{
    public override string Name => Counterfactual ? $"c{Class}-counterfactual" : $"c{Class}";

    public override int? ClassIndex => Class;

    public override void WriteSeed(ReadOnlySpan<float> scores, Span<float> seed)
    {
        if ((uint)Class >= (uint)scores.Length)
            throw new ArgumentOutOfRangeException(nameof(Class), $"class {Class} is outside the model's {scores.Length} classes");
        seed[Class] = Counterfactual ? -1f : 1f;
    }

    public override float Score(ReadOnlySpan<float> scores) => Counterfactual ? -scores[Class] : scores[Class];
}
