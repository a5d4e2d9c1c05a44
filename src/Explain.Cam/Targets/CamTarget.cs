using Explain.Engine.Tensors;

namespace Explain.Cam.Targets;

/// <summary>
/// What to explain, separate from how: a target turns the model's score output into the seed of
/// the backward pass (∂loss/∂scores). Class targets, counterfactuals, and later segmentation masks or
/// embedding similarities are all seeds.
/// </summary>
public abstract record CamTarget
{
    /// <summary>A short name for files and reports, e.g. "c243" or "c243-counterfactual".</summary>
    public abstract string Name { get; }

    /// <summary>The class the target concerns, when it concerns one.</summary>
    public abstract int? ClassIndex { get; }

    /// <summary>
    /// The model output the target reads, by ONNX name; null = the explainer's scores output (model.json
    /// "outputs.scores", else the task's output, else the model's first). All targets of one explanation
    /// read one output.
    /// </summary>
    public virtual string? Output => null;

    /// <summary>
    /// What the target resolved to when bound (<see cref="Bind"/>): a segmentation target's mask, a detection
    /// target's matched rows, a similarity target's reference; null for class and output targets.
    /// </summary>
    public TargetGeometry? Geometry { get; protected init; }

    /// <summary>
    /// Checks the target against one sample of its output (<paramref name="values"/> and <paramref name="shape"/>
    /// without the batch axis) and returns it ready to seed; a target that reads the prediction (a segmentation
    /// target's predicted mask) fixes it here, once, from the unperturbed input. What does not fit is an
    /// <see cref="ArgumentException"/> saying why.
    /// </summary>
    public virtual CamTarget Bind(ReadOnlySpan<float> values, IReadOnlyList<int> shape)
    {
        WriteSeed(values, new float[values.Length]);
        return this;
    }

    /// <summary>Writes this target's seed row for one sample's scores into <paramref name="seed"/>.</summary>
    public abstract void WriteSeed(ReadOnlySpan<float> scores, Span<float> seed);

    /// <summary>
    /// Writes ∇²T · <paramref name="direction"/>, the target's Hessian with respect to the scores
    /// times a direction (ShapleyCAM's second-order term). Zero for targets linear in the scores
    /// (logits, sums, sets, binary); softmax and ReST override it.
    /// </summary>
    public virtual void WriteHessianProduct(ReadOnlySpan<float> scores, ReadOnlySpan<double> direction, Span<double> result) => result.Clear();

    /// <summary>The scalar being explained, for faithfulness metrics and perturbation methods.</summary>
    public abstract float Score(ReadOnlySpan<float> scores);

    /// <summary>Stacks the seeds of several targets for one sample: F rows, one backward pass.</summary>
    /// <summary>How an error names the output a target read: by name when the target carries it, else as the explained one.</summary>
    internal static string OutputText(string? output) => output is null ? "the explained output" : $"the output '{Engine.Errors.LogText.Of(output)}'";

    public static Tensor Seeds(IReadOnlyList<CamTarget> targets, ReadOnlySpan<float> scores)
    {
        var seed = Tensor.Zeros(targets.Count, scores.Length);
        for (int t = 0; t < targets.Count; t++)
            targets[t].WriteSeed(scores, seed.Floats.AsSpan(t * scores.Length, scores.Length));
        return seed;
    }
}
