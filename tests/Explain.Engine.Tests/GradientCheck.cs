using Explain.Engine.Ops;
using Explain.Engine.Tensors;

namespace Explain.Engine.Tests;

/// <summary>
/// Finite-difference check of an op's backward: the loss is Σ output·R for a fixed random R, so
/// ∂loss/∂x computed by Backward(R) must match (loss(x+h) − loss(x−h)) / 2h element by element.
/// Forward runs in float32; the tolerance is relative to the gradient's largest magnitude.
/// </summary>
public static class GradientCheck
{
    public static void Check(Func<Op> create, Tensor[] inputs, int[] checkInputs, float step = 1e-2f, double tolerance = 2e-2, int seed = 1)
    {
        var op = create();
        op.NeedsInputGradient = Enumerable.Range(0, inputs.Length).Select(checkInputs.Contains).ToArray();
        var context = new OpContext { Threads = 1, SaveForBackward = true };
        var outputs = op.Forward(context, inputs);
        var random = new Random(seed);
        var weights = outputs.Select(o => RandomLike(o, random)).ToArray();
        var analytic = op.Backward(context, weights);

        foreach (int i in checkInputs)
        {
            var grad = analytic[i] ?? throw new Xunit.Sdk.XunitException($"input {i}: backward returned no gradient");
            Assert.Equal(inputs[i].Shape, grad.Shape);
            var x = inputs[i].Floats;
            var numeric = new double[x.Length];
            for (int k = 0; k < x.Length; k++)
            {
                float saved = x[k];
                x[k] = saved + step;
                double plus = Loss(create, inputs, weights, op.NeedsInputGradient);
                x[k] = saved - step;
                double minus = Loss(create, inputs, weights, op.NeedsInputGradient);
                x[k] = saved;
                numeric[k] = (plus - minus) / (2 * step);
            }
            double scale = Math.Max(1e-3, numeric.Max(Math.Abs));
            for (int k = 0; k < x.Length; k++)
            {
                double err = Math.Abs(numeric[k] - grad.Floats[k]) / scale;
                if (err > tolerance)
                    throw new Xunit.Sdk.XunitException($"input {i} element {k}: numeric {numeric[k]:G6} vs analytic {grad.Floats[k]:G6} (scale {scale:G4})");
            }
        }
    }

    public static Tensor RandomLike(Tensor t, Random random) => Random(t.Shape, random);

    public static Tensor Random(int[] shape, Random random, float scale = 1f)
    {
        var data = new float[TensorShape.ElementCount(shape)];
        for (int i = 0; i < data.Length; i++)
            data[i] = (float)(random.NextDouble() * 2 - 1) * scale;
        return Tensor.FromArray(data, shape);
    }

    private static double Loss(Func<Op> create, Tensor[] inputs, Tensor[] weights, bool[] needs)
    {
        var op = create();
        op.NeedsInputGradient = needs;
        var outputs = op.Forward(new OpContext { Threads = 1 }, inputs);
        double loss = 0;
        for (int o = 0; o < outputs.Length; o++)
            for (int k = 0; k < outputs[o].Length; k++)
                loss += (double)outputs[o].Floats[k] * weights[o].Floats[k];
        return loss;
    }
}
