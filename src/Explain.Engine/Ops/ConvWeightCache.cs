using Explain.Engine.Kernels;
using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>
/// A Conv's weights packed for forward and (on first use) transposed for the data gradient,
/// valid for one weight tensor. Replaced, never mutated, so concurrent readers see whole states.
/// </summary>
internal sealed class ConvWeightCache(Tensor weights, PackedMatrix[] forward, int group)
{
    private PackedMatrix[]? _transposed;

    public Tensor Weights { get; } = weights;

    public PackedMatrix[] Forward { get; } = forward;

    public int Group { get; } = group;

    public PackedMatrix[] Transposed(ConvGeometry g, Tensor w) =>
        _transposed ??= Convolution.PackTransposedWeights(g, w.Floats);
}
