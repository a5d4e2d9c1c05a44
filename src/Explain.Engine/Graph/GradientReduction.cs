using Explain.Engine.Tensors;

namespace Explain.Engine.Graph;

/// <summary>
/// The graph's share of backward: summing a gradient that an op returned in a broadcast shape back
/// to its input's shape, and accumulating gradients of tensors read by several nodes.
/// </summary>
internal static class GradientReduction
{
    /// <summary>Sums <paramref name="gradient"/> over the dimensions numpy-style broadcasting expanded from <paramref name="target"/>.</summary>
    public static Tensor SumTo(Tensor gradient, int[] target)
    {
        if (TensorShape.SameShape(gradient.Shape, target))
            return gradient;
        if (TensorShape.ElementCount(target) == gradient.Length)
            return gradient.Reshape(target);
        int rank = gradient.Rank;
        var g = gradient.Shape;
        var targetStrides = new int[rank];
        var aligned = TensorShape.Strides(target);
        for (int d = 0; d < rank; d++)
        {
            int td = d - (rank - target.Length);
            targetStrides[d] = td < 0 || target[td] == 1 ? 0 : aligned[td];
            if (td >= 0 && target[td] != 1 && target[td] != g[d])
                throw new Errors.TensorShapeException($"gradient of shape {TensorShape.Format(g)} does not reduce to {TensorShape.Format(target)}");
        }
        var result = Tensor.Zeros(target);
        var src = gradient.Floats;
        var dst = result.Floats;
        int inner = g[rank - 1];
        int innerStride = targetStrides[rank - 1];
        var index = new int[rank];
        int offset = 0;
        for (int start = 0; start < src.Length; start += inner)
        {
            if (innerStride == 0)
            {
                float sum = 0;
                for (int k = 0; k < inner; k++) sum += src[start + k];
                dst[offset] += sum;
            }
            else
            {
                for (int k = 0; k < inner; k++) dst[offset + k] += src[start + k];
            }
            for (int d = rank - 2; d >= 0; d--)
            {
                offset += targetStrides[d];
                if (++index[d] < g[d]) break;
                offset -= targetStrides[d] * g[d];
                index[d] = 0;
            }
        }
        return result;
    }

    /// <summary>a + b into a new tensor (either may be a view shared with another gradient).</summary>
    public static Tensor Add(Tensor a, Tensor b)
    {
        var result = Tensor.Create(a.Shape);
        System.Numerics.Tensors.TensorPrimitives.Add(a.Floats, b.Floats, result.Floats);
        return result;
    }
}
