namespace Explain.Autodiff;

/// <summary>
/// What to differentiate: the tensors whose activations and gradients are returned (target layers,
/// or the graph input by name), the scores tensor the seeds weight, and the rectifier mode.
/// <paramref name="IncludeInputGradient"/> adds the model's (first) graph input to <paramref name="Observed"/>.
/// <paramref name="Batch"/>: the batch the graph is compiled for (its inputs pinned to it, a symbolic or declared
/// leading dimension alike; needs a <see cref="TensorShapeProbe"/>). At 1 the seed is [K, ...scores without the batch]
/// and each gradient [K, ...tensor without the batch]; at B > 1 they keep the batch axis: seed [K, B, ...], gradient
/// [K, B, ...], so row (k, b) is image b's gradient for its seed k, all in one run.
/// </summary>
public sealed record GradientRequest(
    IReadOnlyList<string> Observed,
    string ScoresOutput,
    GradientMode Mode,
    bool IncludeInputGradient = false,
    int Batch = 1);
