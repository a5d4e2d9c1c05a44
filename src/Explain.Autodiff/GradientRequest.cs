namespace Explain.Autodiff;

/// <summary>
/// What to differentiate: the tensors whose activations and gradients are returned (target layers,
/// or the graph input by name), the scores tensor the seeds weight, and the rectifier mode.
/// <paramref name="IncludeInputGradient"/> adds the model's (first) graph input to <paramref name="Observed"/>.
/// </summary>
public sealed record GradientRequest(
    IReadOnlyList<string> Observed,
    string ScoresOutput,
    GradientMode Mode,
    bool IncludeInputGradient = false);
