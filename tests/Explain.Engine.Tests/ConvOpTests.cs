using Explain.Engine.Errors;
using Explain.Engine.Onnx;
using Explain.Engine.Ops;
using Explain.Engine.Tensors;

namespace Explain.Engine.Tests;

public class ConvOpTests
{
    public static IEnumerable<object[]> GradientCases =>
    [
        // channels, outChannels, group, kernel, stride, dilation, pad, activation (0 none, 1 relu, 2 clip)
        [3, 4, 1, 3, 1, 1, 1, 0],
        [4, 6, 2, 3, 1, 1, 1, 0],
        [4, 4, 4, 3, 1, 1, 1, 0],
        [3, 6, 3, 3, 2, 1, 1, 0],
        [3, 2, 1, 3, 2, 1, 0, 0],
        [2, 3, 1, 3, 1, 2, 2, 0],
        [3, 4, 1, 1, 1, 1, 0, 1],
        [4, 4, 4, 3, 2, 1, 1, 1],
        [2, 6, 2, 3, 1, 2, 2, 0],
        [2, 6, 2, 3, 1, 2, 2, 1],
        [3, 4, 1, 3, 1, 1, 1, 2],
    ];

    [Theory]
    [MemberData(nameof(GradientCases))]
    public void Backward_MatchesFiniteDifferences(int channels, int outChannels, int group, int kernel, int stride, int dilation, int pad, int activation)
    {
        var random = new Random(channels * 31 + kernel + 7 * activation + 101 * dilation);
        var x = GradientCheck.Random([2, channels, 6, 7], random);
        var w = GradientCheck.Random([outChannels, channels / group, kernel, kernel], random);
        var b = GradientCheck.Random([outChannels], random, 0.3f);
        var fused = activation switch { 1 => FusedActivation.Relu, 2 => FusedActivation.Clip(0f, 0.8f), _ => FusedActivation.None };

        // A small step keeps perturbed pre-activations from crossing the Relu/Clip kinks.
        GradientCheck.Check(() => Create(group, kernel, stride, dilation, pad, fused), [x, w, b], [0], step: activation == 0 ? 1e-2f : 1e-4f);
    }

    [Fact]
    public void Forward_OneDimensional_MatchesTwoDimensionalWithUnitHeight()
    {
        var random = new Random(2);
        var x = GradientCheck.Random([1, 3, 10], random);
        var w = GradientCheck.Random([2, 3, 3], random);
        var attributes = Attributes(("pads", new long[] { 1, 0 }), ("strides", new long[] { 2 }));

        var y = OnnxOps.Build("Conv", attributes, 13).Forward(new OpContext(), [x, w])[0];
        var y2 = OnnxOps.Build("Conv", Attributes(("pads", new long[] { 0, 1, 0, 0 }), ("strides", new long[] { 1, 2 })), 13)
            .Forward(new OpContext(), [x.Reshape([1, 3, 1, 10]), w.Reshape([2, 3, 1, 3])])[0];

        Assert.Equal([1, 2, 5], y.Shape);
        Assert.Equal(y2.Floats, y.Floats);
    }

    [Fact]
    public void Forward_ThreeDimensional_ThrowsUnsupportedFeature()
    {
        var op = OnnxOps.Build("Conv", Attributes(), 13);

        Assert.Throws<UnsupportedFeatureException>(() => op.Forward(new OpContext(), [Tensor.Zeros(1, 1, 3, 3, 3), Tensor.Zeros(1, 1, 1, 1, 1)]));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Backward_BatchedSeeds_EqualSeparatePasses(int group)
    {
        // Arrange
        var random = new Random(group);
        var x = GradientCheck.Random([2, 4, 5, 5], random);
        var w = GradientCheck.Random([4, 4 / group, 3, 3], random);
        var op = Create(group, 3, 1, 1, 1, FusedActivation.Relu);
        op.NeedsInputGradient = [true, false];
        var context = new OpContext { SaveForBackward = true };
        var y = op.Forward(context, [x, w])[0];
        var seeds = GradientCheck.Random([6, 4, 5, 5], random);

        // Act
        var batched = op.Backward(context, [seeds])[0]!;

        // Assert
        Assert.Equal([6, 4, 5, 5], batched.Shape);
        int block = y.Length;
        for (int f = 0; f < 3; f++)
        {
            var seed = Tensor.FromArray(seeds.Floats[(f * block)..((f + 1) * block)], y.Shape);
            var single = op.Backward(context, [seed])[0]!;
            Assert.Equal(single.Floats, batched.Floats[(f * x.Length)..((f + 1) * x.Length)]);
        }
    }

    [Fact]
    public void Backward_GuidedThroughFusedRelu_PassesOnlyPositiveGradientsWherePositive()
    {
        // Arrange: guided = plain conv backward of dy masked by (y > 0 && dy > 0).
        var random = new Random(9);
        var x = GradientCheck.Random([1, 3, 6, 6], random);
        var w = GradientCheck.Random([5, 3, 3, 3], random);
        var fused = Create(1, 3, 1, 1, 1, FusedActivation.Relu);
        var plain = Create(1, 3, 1, 1, 1, FusedActivation.None);
        fused.NeedsInputGradient = plain.NeedsInputGradient = [true, false];
        var guided = new OpContext { SaveForBackward = true, Mode = BackwardMode.Guided };
        var standard = new OpContext { SaveForBackward = true };
        var y = fused.Forward(guided, [x, w])[0];
        plain.Forward(standard, [x, w]);
        var dy = GradientCheck.Random(y.Shape, random);
        var masked = Tensor.FromArray(dy.Floats.Select((g, i) => y.Floats[i] > 0 && g > 0 ? g : 0f).ToArray(), y.Shape);

        // Act
        var actual = fused.Backward(guided, [dy])[0]!;
        var expected = plain.Backward(standard, [masked])[0]!;

        // Assert
        Assert.Contains(y.Floats, v => v == 0f);
        Assert.Equal(expected.Floats, actual.Floats);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 1)]
    [InlineData(2, 32)]
    public void ForwardBackward_ThreadCounts_GiveIdenticalResults(int batch, int group)
    {
        var random = new Random(batch);
        var x = GradientCheck.Random([batch, 32, 20, 20], random);
        var w = GradientCheck.Random([64, 32 / group, 3, 3], random);
        var dy = GradientCheck.Random([batch, 64, 20, 20], random);
        Tensor[] Run(int threads)
        {
            var op = Create(group, 3, 1, 1, 1, FusedActivation.Relu);
            op.NeedsInputGradient = [true, false];
            var context = new OpContext { Threads = threads, SaveForBackward = true };
            return [op.Forward(context, [x, w])[0], op.Backward(context, [dy])[0]!];
        }

        var (one, two) = (Run(1), Run(2));

        Assert.Equal(one[0].Floats, two[0].Floats);
        Assert.Equal(one[1].Floats, two[1].Floats);
    }

    [Fact]
    public void Forward_ReplacedWeights_Repacks()
    {
        var random = new Random(4);
        var x = GradientCheck.Random([1, 2, 4, 4], random);
        var w1 = GradientCheck.Random([3, 2, 3, 3], random);
        var w2 = GradientCheck.Random([3, 2, 3, 3], random);
        var op = Create(1, 3, 1, 1, 1, FusedActivation.None);

        op.Forward(new OpContext(), [x, w1]);
        var second = op.Forward(new OpContext(), [x, w2])[0];

        var fresh = Create(1, 3, 1, 1, 1, FusedActivation.None).Forward(new OpContext(), [x, w2])[0];
        Assert.Equal(fresh.Floats, second.Floats);
    }

    internal static ConvOp Create(int group, int kernel, int stride, int dilation, int pad, FusedActivation activation)
    {
        var op = (ConvOp)OnnxOps.Build("Conv", Attributes(
            ("group", (long)group), ("kernel_shape", new long[] { kernel, kernel }), ("strides", new long[] { stride, stride }),
            ("dilations", new long[] { dilation, dilation }), ("pads", new long[] { pad, pad, pad, pad })), 13);
        op.Activation = activation;
        return op;
    }

    internal static NodeAttributes Attributes(params (string Name, object Value)[] values) =>
        new("test", values.ToDictionary(v => v.Name, v => v.Value));
}
