using Explain.Engine.Onnx;
using Explain.Engine.Ops;
using Explain.Engine.Tensors;

namespace Explain.Engine.Tests;

/// <summary>Shared arrange/act helpers for op tests: building through the ONNX registry, inputs, seeds.</summary>
internal static class OpTestHelpers
{
    public static Func<Op> Factory(string opType, int opset = 17, params (string Name, object Value)[] attributes) =>
        () => OnnxOps.Build(opType, new NodeAttributes(opType, attributes.ToDictionary(a => a.Name, a => a.Value)), opset);

    public static Tensor[] Forward(Op op, params Tensor[] inputs) =>
        op.Forward(new OpContext { Threads = 1 }, inputs);

    /// <summary>|expected − actual| ≤ tolerance·max(1, |expected|) (Assert.Equal's decimal rounding flips at boundaries).</summary>
    public static void AssertNear(double expected, double actual, double tolerance = 1e-5)
    {
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected)), $"expected {expected:R}, got {actual:R}");
    }

    /// <summary>Random values in [−scale, scale] kept at least <paramref name="margin"/> away from each kink.</summary>
    public static Tensor RandomAway(int[] shape, int seed, float scale = 2f, float margin = 0.05f, params float[] kinks)
    {
        var t = GradientCheck.Random(shape, new Random(seed), scale);
        var x = t.Floats;
        for (int i = 0; i < x.Length; i++)
            foreach (float k in kinks)
                if (Math.Abs(x[i] - k) < margin)
                    x[i] = k + (x[i] >= k ? margin : -margin) * 2;
        return t;
    }

    public static Tensor Uniform(int[] shape, int seed, float low, float high)
    {
        var random = new Random(seed);
        var data = new float[TensorShape.ElementCount(shape)];
        for (int i = 0; i < data.Length; i++)
            data[i] = (float)(low + random.NextDouble() * (high - low));
        return Tensor.FromArray(data, shape);
    }

    /// <summary>
    /// Contract rule 4: backward with F = 3 stacked seeds equals three single-seed backward passes,
    /// block by block, for every input whose gradient is requested.
    /// </summary>
    public static void AssertBatchedSeedsMatch(Func<Op> create, Tensor[] inputs, int[] gradientInputs, BackwardMode mode = BackwardMode.Standard)
    {
        var op = create();
        op.NeedsInputGradient = Enumerable.Range(0, inputs.Length).Select(gradientInputs.Contains).ToArray();
        var context = new OpContext { Threads = 1, SaveForBackward = true, Mode = mode };
        var output = op.Forward(context, inputs)[0];
        var random = new Random(5);
        var seeds = Enumerable.Range(0, 3).Select(_ => GradientCheck.RandomLike(output, random)).ToArray();
        int[] stackedShape = output.Rank == 0 ? [3] : [output.Shape[0] * 3, .. output.Shape[1..]];
        var stacked = Tensor.FromArray(seeds.SelectMany(s => s.Floats).ToArray(), stackedShape);

        var batched = op.Backward(context, [stacked]);
        var single = seeds.Select(s => op.Backward(context, [s])).ToArray();

        foreach (int i in gradientInputs)
        {
            var expected = single.SelectMany(g => g[i]!.Floats).ToArray();
            Assert.Equal(expected.Length, batched[i]!.Length);
            Assert.Equal(single[0][i]!.Shape[0] * 3, batched[i]!.Shape[0]);
            for (int k = 0; k < expected.Length; k++)
                AssertNear(expected[k], batched[i]!.Floats[k], 1e-6);
        }
    }
}
