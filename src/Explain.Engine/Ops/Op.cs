using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>
/// One graph node's computation. <see cref="Forward"/> calls kernels and, when
/// <see cref="OpContext.SaveForBackward"/> is set, keeps only what <see cref="Backward"/> needs.
/// <see cref="Backward"/> returns one gradient per input (null where <see cref="NeedsInputGradient"/>
/// is false). Ops never reduce broadcast gradients, accumulate, or order themselves: the graph does.
/// </summary>
/// <remarks>
/// Batched seeds: a backward pass may carry F seeds per forward sample. Gradients then have a
/// leading dimension F·N where the forward tensors had N; row r of a gradient belongs to forward
/// sample r % N. Ops read saved forward tensors at that row (see <see cref="BatchFactor"/>).
/// </remarks>
public abstract class Op
{
    /// <summary>The node's name (or its first output when unnamed), for error messages.</summary>
    public string Name { get; set; } = "";

    /// <summary>Per input: whether a gradient for it is wanted. Set by the planner before the first run.</summary>
    public bool[] NeedsInputGradient { get; set; } = [];

    /// <summary>True when the op can be differentiated with respect to at least one input.</summary>
    public virtual bool IsDifferentiable => true;

    public abstract Tensor[] Forward(OpContext context, Tensor[] inputs);

    public virtual Tensor?[] Backward(OpContext context, Tensor[] outputGradients) =>
        throw new NotSupportedException($"{GetType().Name} has no gradient");

    protected bool NeedsGradient(int input) => input < NeedsInputGradient.Length && NeedsInputGradient[input];

    /// <summary>How many seeds per forward sample a gradient carries (gradient rows / forward rows).</summary>
    protected static int BatchFactor(Tensor gradient, int[] forwardShape)
    {
        if (forwardShape.Length == 0 || forwardShape[0] == 0)
            return 1;
        int f = gradient.Shape[0] / forwardShape[0];
        return Math.Max(f, 1);
    }

    /// <summary>The forward shape with its leading dimension multiplied by the seed factor.</summary>
    protected static int[] ScaleBatch(int[] forwardShape, int factor)
    {
        if (factor == 1 || forwardShape.Length == 0)
            return forwardShape;
        var s = (int[])forwardShape.Clone();
        s[0] *= factor;
        return s;
    }
}
