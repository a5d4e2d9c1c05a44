using Explain.Engine.Kernels;
using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>
/// A Relu or Clip applied in a Conv/Gemm epilogue instead of as its own node: the output is
/// clamped to [Min, Max] while still in registers. Backward masks the gradient with the clamp's
/// derivative, read from the saved (clamped) output.
/// </summary>
public readonly record struct FusedActivation(FusedActivationKind Kind, float Min, float Max)
{
    public static FusedActivation None => new(FusedActivationKind.None, float.NegativeInfinity, float.PositiveInfinity);

    public static FusedActivation Relu => new(FusedActivationKind.Relu, 0f, float.PositiveInfinity);

    public static FusedActivation Clip(float min, float max) => new(FusedActivationKind.Clip, min, max);

    internal GemmEpilogue Epilogue => Kind == FusedActivationKind.None ? GemmEpilogue.None : new GemmEpilogue(null, 0, true, Min, Max);

    /// <summary>
    /// The gradient with respect to the pre-activation. Gradient row r reads output row r % N
    /// (batched seeds), which for contiguous rows is element index e % output.Length.
    /// </summary>
    /// <remarks>
    /// NOTE: the gradient is 0 where the output sits on a bound (ReLU at exactly 0, ReLU6 at 6), as in
    /// PyTorch's hardtanh_backward. Guided mode (Springenberg et al., 2015) additionally drops
    /// negative gradients, for Relu and for Clip whose floor is 0 (ReLU6); GuidedReluOnly for Relu only.
    /// </remarks>
    internal Tensor Backward(Tensor? output, Tensor gradient, BackwardMode mode)
    {
        if (Kind == FusedActivationKind.None)
            return gradient;
        ArgumentNullException.ThrowIfNull(output);
        // A fused Relu is guided in both guided modes, a fused Clip(0, max) (ReLU6) only in Guided.
        bool guided = Min == 0f && (mode == BackwardMode.Guided || (mode == BackwardMode.GuidedReluOnly && Kind == FusedActivationKind.Relu));
        var result = Tensor.Create(gradient.Shape);
        int block = output.Length;
        for (int start = 0; start < gradient.Length; start += block)
            ClampGradient.Apply(output.Floats, gradient.Floats.AsSpan(start, block), result.Floats.AsSpan(start, block), Min, Max, guided);
        return result;
    }
}
