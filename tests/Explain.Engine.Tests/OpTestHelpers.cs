using Explain.Engine.Ops;
using Explain.Engine.Tensors;

namespace Explain.Engine.Tests;

/// <summary>Running ops in tests: forward, and the batched-seed property of contract rule 4.</summary>
public static class OpTestHelpers
{
    public static Tensor[] Forward(Op op, params Tensor[] inputs) =>
        op.Forward(new OpContext { Threads = 2 }, inputs);

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
