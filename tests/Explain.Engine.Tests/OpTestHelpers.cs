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

    public static Tensor Floats(float[] values, params int[] shape) => Tensor.FromArray(values, shape);

    public static Tensor Ints(params long[] values) => Tensor.FromInt64(values, values.Length);

    /// <summary>0, 1, 2, … as float32 of the given shape.</summary>
    public static Tensor Iota(params int[] shape) =>
        Tensor.FromArray(Enumerable.Range(0, TensorShape.ElementCount(shape)).Select(i => (float)i).ToArray(), shape);

    /// <summary>Distinct values (a shuffled ramp with step 0.1), so max ops have no ties within a finite-difference step.</summary>
    public static Tensor Distinct(int[] shape, int seed = 7)
    {
        var random = new Random(seed);
        var values = Enumerable.Range(0, TensorShape.ElementCount(shape)).Select(i => i * 0.1f - 3f).ToArray();
        random.Shuffle(values);
        return Tensor.FromArray(values, shape);
    }

    /// <summary>
    /// One backward with F seeds stacked on dimension 0 equals F separate backward passes: the
    /// input gradient's rows [f·N, (f+1)·N) are the f-th separate gradient.
    /// </summary>
    public static void AssertBatchedSeedsMatchSeparate(Func<Op> create, Tensor[] inputs, int[] gradientInputs, int factor = 3)
    {
        var op = create();
        op.NeedsInputGradient = Enumerable.Range(0, inputs.Length).Select(gradientInputs.Contains).ToArray();
        var context = new OpContext { Threads = 2, SaveForBackward = true };
        var outputs = op.Forward(context, inputs);
        var random = new Random(3);
        var seeds = Enumerable.Range(0, factor).Select(_ => outputs.Select(o => GradientCheck.RandomLike(o, random)).ToArray()).ToArray();
        var batched = outputs.Select((o, k) => Stack(seeds.Select(s => s[k]).ToArray())).ToArray();

        var together = op.Backward(context, batched);

        for (int f = 0; f < factor; f++)
        {
            var separate = op.Backward(context, seeds[f]);
            foreach (int i in gradientInputs)
            {
                var all = together[i] ?? throw new Xunit.Sdk.XunitException($"input {i}: no batched gradient");
                var one = separate[i] ?? throw new Xunit.Sdk.XunitException($"input {i}: no gradient");
                Assert.Equal(ScaleFirst(inputs[i].Shape, factor), all.Shape);
                Assert.Equal(one.Floats, all.Floats.AsSpan(f * one.Length, one.Length).ToArray());
            }
        }
    }

    private static Tensor Stack(Tensor[] parts)
    {
        var shape = ScaleFirst(parts[0].Shape, parts.Length);
        return Tensor.FromArray(parts.SelectMany(p => p.Floats).ToArray(), shape);
    }

    private static int[] ScaleFirst(int[] shape, int factor)
    {
        var s = (int[])shape.Clone();
        s[0] *= factor;
        return s;
    }
}
