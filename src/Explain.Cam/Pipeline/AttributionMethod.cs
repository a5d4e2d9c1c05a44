namespace Explain.Cam.Pipeline;

/// <summary>
/// A method whose map lives in input space (saliency, Integrated Gradients, FullGrad, guided
/// backpropagation, …) or that reads the shared passes as a whole rather than one layer's
/// activations and gradients. It declares its <see cref="Needs"/>; the explainer makes those passes
/// once for every method and target and hands them over as <see cref="SharedPasses"/>.
/// </summary>
public abstract class AttributionMethod
{
    /// <summary>The method's name on the wire and on the command line (e.g. "saliency").</summary>
    public abstract string WireName { get; }

    public abstract MethodNeeds Needs { get; }

    public virtual MapRendering Rendering => MapRendering.Heat;

    /// <summary>One raw map per target (in <see cref="SharedPasses.Targets"/> order), each with its shape: [H, W] for heat maps, [C, H, W] for pictures.</summary>
    public abstract IReadOnlyList<RawMap> RawMaps(SharedPasses passes);
}
