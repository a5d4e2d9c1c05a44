using Explain.Engine.Kernels;
using Explain.Engine.Onnx;
using Explain.Engine.Ops;
using Explain.Engine.Tensors;

namespace Explain.Engine.Tests;

public class GemmOpTests
{
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Backward_Transposes_MatchFiniteDifferences(bool transA, bool transB)
    {
        var random = new Random(1);
        var a = GradientCheck.Random(transA ? [5, 3] : [3, 5], random);
        var b = GradientCheck.Random(transB ? [4, 5] : [5, 4], random);
        var c = GradientCheck.Random([4], random);

        GradientCheck.Check(() => Create(transA, transB, 0.7f, 1.3f, FusedActivation.None), [a, b, c], [0, 1], step: 1e-3f);
    }

    [Fact]
    public void Backward_FusedRelu_MatchesFiniteDifferences()
    {
        var random = new Random(2);
        var a = GradientCheck.Random([3, 6], random);
        var b = GradientCheck.Random([4, 6], random);
        var c = GradientCheck.Random([3, 1], random);

        GradientCheck.Check(() => Create(false, true, 1f, 1f, FusedActivation.Relu), [a, b, c], [0, 1], step: 1e-3f);
    }

    [Fact]
    public void Forward_AlphaBetaBroadcastC_MatchesHandComputed()
    {
        var a = Tensor.FromArray([1, 2, 3, 4], 2, 2);
        var b = Tensor.FromArray([1, 0, 0, 1], 2, 2);
        var c = Tensor.FromArray([10, 20], 2);

        var y = Create(false, false, 2f, 0.5f, FusedActivation.Clip(0f, 14f)).Forward(new OpContext(), [a, b, c])[0];

        Assert.Equal([7f, 14f, 11f, 14f], y.Floats);
    }

    [Fact]
    public void Backward_BatchedSeeds_EqualSeparatePasses()
    {
        var random = new Random(3);
        var a = GradientCheck.Random([2, 7], random);
        var b = GradientCheck.Random([5, 7], random);
        var op = Create(false, true, 1f, 1f, FusedActivation.Relu);
        op.NeedsInputGradient = [true, false];
        var context = new OpContext { SaveForBackward = true };
        op.Forward(context, [a, b]);
        var seeds = GradientCheck.Random([6, 5], random);

        var batched = op.Backward(context, [seeds])[0]!;

        Assert.Equal([6, 7], batched.Shape);
        for (int f = 0; f < 3; f++)
        {
            var single = op.Backward(context, [Tensor.FromArray(seeds.Floats[(f * 10)..((f + 1) * 10)], 2, 5)])[0]!;
            Assert.Equal(single.Floats, batched.Floats[(f * 14)..((f + 1) * 14)]);
        }
    }

    [Theory]
    [InlineData(new[] { 3, 4 }, new[] { 4, 5 })]
    [InlineData(new[] { 2, 3, 4 }, new[] { 4, 5 })]
    [InlineData(new[] { 3, 4 }, new[] { 2, 4, 5 })]
    [InlineData(new[] { 2, 1, 3, 4 }, new[] { 3, 4, 2 })]
    [InlineData(new[] { 4 }, new[] { 2, 4, 3 })]
    [InlineData(new[] { 2, 3, 4 }, new[] { 4 })]
    public void MatMul_Backward_MatchesFiniteDifferences(int[] aShape, int[] bShape)
    {
        var random = new Random(aShape.Length * 10 + bShape.Length);
        var a = GradientCheck.Random(aShape, random);
        var b = GradientCheck.Random(bShape, random);

        GradientCheck.Check(() => OnnxOps.Build("MatMul", ConvOpTests.Attributes(), 13), [a, b], [0, 1], step: 1e-3f);
    }

    [Fact]
    public void MatMul_Forward_BroadcastBatches_MatchesReference()
    {
        var random = new Random(5);
        var a = GradientCheck.Random([3, 1, 4, 6], random);
        var b = GradientCheck.Random([2, 6, 5], random);

        var y = new MatMulOp().Forward(new OpContext(), [a, b])[0];

        Assert.Equal([3, 2, 4, 5], y.Shape);
        var expected = new float[20];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 2; j++)
            {
                GemmReference.Multiply(4, 5, 6, a.Floats.AsSpan(i * 24), 6, false, b.Floats.AsSpan(j * 30), 5, false, expected, 5);
                GemmTests.AssertClose(expected, y.Floats[((i * 2 + j) * 20)..((i * 2 + j + 1) * 20)], 6);
            }
    }

    [Fact]
    public void MatMul_Backward_BatchedSeeds_EqualSeparatePasses()
    {
        var random = new Random(6);
        var a = GradientCheck.Random([2, 3, 4], random);
        var b = GradientCheck.Random([4, 5], random);
        var op = new MatMulOp { NeedsInputGradient = [true, false] };
        var context = new OpContext { SaveForBackward = true };
        op.Forward(context, [a, b]);
        var seeds = GradientCheck.Random([6, 3, 5], random);

        var batched = op.Backward(context, [seeds])[0]!;

        Assert.Equal([6, 3, 4], batched.Shape);
        for (int f = 0; f < 3; f++)
        {
            var single = op.Backward(context, [Tensor.FromArray(seeds.Floats[(f * 30)..((f + 1) * 30)], 2, 3, 5)])[0]!;
            Assert.Equal(single.Floats, batched.Floats[(f * 24)..((f + 1) * 24)]);
        }
    }

    private static GemmOp Create(bool transA, bool transB, float alpha, float beta, FusedActivation activation)
    {
        var op = (GemmOp)OnnxOps.Build("Gemm", ConvOpTests.Attributes(
            ("transA", transA ? 1L : 0L), ("transB", transB ? 1L : 0L), ("alpha", alpha), ("beta", beta)), 13);
        op.Activation = activation;
        return op;
    }
}
