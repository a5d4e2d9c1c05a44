namespace Explain.Cam;

/// <summary>
/// How far one explanation has got: <paramref name="Stage"/> is "forward", "backward", a method's wire
/// name or "guided"; <paramref name="Done"/> of <paramref name="Total"/> steps (model batches for
/// perturbation methods, 1 of 1 for a stage that runs in one go).
/// </summary>
public sealed record ExplainProgress(string Stage, int Done, int Total);
