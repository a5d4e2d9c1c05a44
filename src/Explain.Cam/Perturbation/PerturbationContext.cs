using Explain.Cam.Layers;
using Explain.Cam.Methods;
using Explain.Cam.Targets;
using Explain.Engine.Tensors;

namespace Explain.Cam.Perturbation;

/// <summary>What a perturbation method sees: the input, one layer's activations (gradients where the
/// shared backward pass made them), the targets and a probe to re-run the model.</summary>
public sealed record PerturbationContext(Tensor Input, string LayerName, LayerMaps Layer, IReadOnlyList<CamTarget> Targets, IReadOnlyList<LayerMaps> PerTarget, ModelProbe Probe)
{
    /// <summary>Score-CAM's opt-in Faster Score-CAM: only the N channels of largest activation variance (0 = all).</summary>
    public int ChannelLimit { get; init; }

    /// <summary>Whose conventions to follow (Ablation-CAM's ablation value differs in pytorch-grad-cam).</summary>
    public CompatMode Compat { get; init; }

    /// <summary>How the layer's own layout maps to <see cref="Layer"/>'s [C, h, w] grid (null: NCHW, the layout is the grid).</summary>
    public LayerGrid? Grid { get; init; }

    /// <summary>The explanation's seed (the noise-based methods' SeededNoise streams).</summary>
    public ulong Seed { get; init; }

    /// <summary>The noise- and mask-based methods' parameters.</summary>
    public PerturbationParameters Parameters { get; init; } = PerturbationParameters.Default;

    /// <summary>The layer's activations in its own layout (null: <see cref="Layer"/>'s, NCHW).</summary>
    public float[]? RawActivations { get; init; }
}
