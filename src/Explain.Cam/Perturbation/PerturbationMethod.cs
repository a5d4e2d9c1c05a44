using Explain.Cam.Methods;

namespace Explain.Cam.Perturbation;

/// <summary>
/// Methods that score perturbed inputs or activations by re-running the model. One set of runs
/// serves every target (all class scores come out of each run), so they return a raw map per target.
/// </summary>
public abstract class PerturbationMethod
{
    public abstract string WireName { get; }

    /// <summary>Whether the method also reads the shared backward pass's gradients.</summary>
    public virtual bool NeedsGradients => false;

    /// <summary>The shared passes the method reads (default: activations and the probe, and gradients when <see cref="NeedsGradients"/>).</summary>
    public virtual Pipeline.MethodNeeds Needs => Pipeline.MethodNeeds.Activations | Pipeline.MethodNeeds.Perturbations | (NeedsGradients ? Pipeline.MethodNeeds.Gradients : Pipeline.MethodNeeds.None);

    /// <summary>True when raw maps come at the input's resolution rather than the target layer's.</summary>
    public virtual bool InputResolution => false;

    public abstract float[][] RawMaps(PerturbationContext context, bool eigenSmooth);

    /// <summary>Σ_k w_k A^k (or its principal projection), per target.</summary>
    protected static float[][] Maps(PerturbationContext context, float[][] weights, bool eigenSmooth) =>
        weights.Select(w => CamMethod.Combine(context.Layer.Weighted(w), context.Layer, eigenSmooth)).ToArray();
}
