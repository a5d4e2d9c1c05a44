using Explain.Engine.Ops;
using Explain.Engine.Tensors;

namespace Explain.Engine.Tests;

/// <summary>
/// Sweeps widths, kernels, strides, pads, count_include_pad and ceil_mode so every interior/edge
/// split of the separable kernel is compared with the naive reference; backward is checked as
/// the adjoint of forward (⟨AvgPool(x), g⟩ = ⟨x, AvgPoolᵀ(g)⟩).
/// </summary>
[Trait("Category", "Kernels")]
public class AveragePoolSweepTests
{
    public static TheoryData<int, int, int, bool, bool> Geometries()
    {
        var data = new TheoryData<int, int, int, bool, bool>();
        foreach (int k in new[] { 1, 2, 3, 4 })
            foreach (int s in new[] { 1, 2, 3 })
                for (int p = 0; p < k; p += 1)
                    foreach (bool include in new[] { false, true })
                        foreach (bool ceil in new[] { false, true })
                            data.Add(k, s, p, include, ceil);
        return data;
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void ForwardBackward_AllWidths_MatchNaiveReferenceAndAdjoint(int k, int s, int p, bool include, bool ceil)
    {
        for (int width = Math.Max(1, k - 2 * p); width <= 20; width++)
        {
            var random = new Random(width);
            var x = GradientCheck.Random([1, 2, 6, width], random);
            var op = new AveragePoolOp(new PoolSettings([k, k], [s, s], [p, p, p, p], [], "NOTSET", ceil), include) { NeedsInputGradient = [true] };
            var context = new OpContext { SaveForBackward = true, Threads = 1 };

            var y = op.Forward(context, [x])[0];
            var g = GradientCheck.RandomLike(y, random);
            var dx = op.Backward(context, [g])[0]!;

            var expected = NaivePool.Average(x, y.Shape[2], y.Shape[3], [k, k], [s, s], [p, p], [p, p], include);
            for (int i = 0; i < y.Length; i++)
                Assert.Equal(expected.Floats[i], y.Floats[i], 1e-5f);
            double forward = 0, adjoint = 0;
            for (int i = 0; i < y.Length; i++)
                forward += (double)y.Floats[i] * g.Floats[i];
            for (int i = 0; i < x.Length; i++)
                adjoint += (double)x.Floats[i] * dx.Floats[i];
            Assert.Equal(forward, adjoint, 1e-4);
        }
    }
}
