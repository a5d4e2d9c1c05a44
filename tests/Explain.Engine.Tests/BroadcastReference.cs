using Explain.Engine.Ops;
using Explain.Engine.Tensors;

namespace Explain.Engine.Tests;

/// <summary>Index-by-index numpy broadcasting, and the graph's "sum a broadcast gradient back" step, for tests.</summary>
internal static class BroadcastReference
{
    public static double[] Apply(Tensor a, Tensor b, Func<double, double, double> f)
    {
        int[] shape = TensorShape.Broadcast(a.Shape, b.Shape);
        var y = new double[TensorShape.ElementCount(shape)];
        for (int k = 0; k < y.Length; k++)
            y[k] = f(a.ToFloatArray()[Source(k, shape, a.Shape)], b.ToFloatArray()[Source(k, shape, b.Shape)]);
        return y;
    }

    /// <summary>Index into an operand of <paramref name="operand"/> shape for output element k.</summary>
    public static int Source(int k, int[] output, int[] operand)
    {
        int index = 0, stride = 1;
        for (int d = output.Length - 1, e = operand.Length - 1; d >= 0; d--, e--)
        {
            int coordinate = k % output[d];
            k /= output[d];
            if (e >= 0)
            {
                index += (operand[e] == 1 ? 0 : coordinate) * stride;
                stride *= operand[e];
            }
        }
        return index;
    }

    public static Tensor SumToShape(Tensor g, int[] shape)
    {
        var r = new float[TensorShape.ElementCount(shape)];
        for (int k = 0; k < g.Length; k++)
            r[Source(k, g.Shape, shape)] += g.Floats[k];
        return Tensor.FromArray(r, shape);
    }

    /// <summary>Wraps a broadcast op so its backward reduces to input shapes, as the graph does (contract rule 3).</summary>
    public sealed class Reducing(Op inner) : Op
    {
        private int[][] _shapes = [];

        public override Tensor[] Forward(OpContext context, Tensor[] inputs)
        {
            inner.NeedsInputGradient = NeedsInputGradient;
            _shapes = inputs.Select(i => i.Shape).ToArray();
            return inner.Forward(context, inputs);
        }

        public override Tensor?[] Backward(OpContext context, Tensor[] outputGradients) =>
            inner.Backward(context, outputGradients).Select((g, i) => g is null ? null : SumToShape(g, _shapes[i])).ToArray();
    }
}
