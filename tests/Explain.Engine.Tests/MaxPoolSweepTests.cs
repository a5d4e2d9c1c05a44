using Explain.Engine.Ops;
using Explain.Engine.Tensors;

namespace Explain.Engine.Tests;

/// <summary>
/// Sweeps widths, kernels, strides, pads and dilations so every interior/edge split of the fast
/// row reduction is compared with the naive reference, values and argmax routing alike.
/// </summary>
[Trait("Category", "Kernels")]
public class MaxPoolSweepTests
{
    public static TheoryData<int, int, int, int> Geometries()
    {
        var data = new TheoryData<int, int, int, int>();
        foreach (int k in new[] { 1, 2, 3, 5 })
            foreach (int s in new[] { 1, 2, 3 })
                foreach (int d in new[] { 1, 2 })
                    for (int p = 0; p < k; p += 2)
                        data.Add(k, s, p, d);
        return data;
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void ForwardBackward_AllWidths_MatchNaiveReference(int k, int s, int p, int d)
    {
        for (int width = 1; width <= 24; width++)
        {
            int effective = (k - 1) * d + 1;
            if (width + 2 * p < effective)
                continue;
            // Coarse values (multiples of 0.5 in a small range) make ties common, exercising the tie rule.
            var random = new Random(width);
            var x = Tensor.FromArray(Enumerable.Range(0, 2 * 10 * width).Select(_ => random.Next(-3, 4) * 0.5f).ToArray(), 1, 2, 10, width);
            var op = new MaxPoolOp(new PoolSettings([k, k], [s, s], [p, p, p, p], [d, d], "NOTSET", false)) { NeedsInputGradient = [true] };
            var context = new OpContext { SaveForBackward = true, Threads = 1 };

            var y = op.Forward(context, [x])[0];
            var g = GradientCheck.RandomLike(y, random);
            var dx = op.Backward(context, [g])[0]!;

            int outH = y.Shape[2], outW = y.Shape[3];
            Assert.Equal((10 + 2 * p - effective) / s + 1, outH);
            Assert.Equal((width + 2 * p - effective) / s + 1, outW);
            Assert.Equal(NaivePool.Max(x, outH, outW, [k, k], [s, s], [p, p], [d, d]).Floats, y.Floats);
            Assert.Equal(NaivePool.MaxBackward(x, g, [k, k], [s, s], [p, p], [d, d]).Floats, dx.Floats);
        }
    }
}
