using Explain.Engine.Kernels;

namespace Explain.Engine.Tests;

[Trait("Category", "Kernels")]
public class ConvolutionTests
{
    public static IEnumerable<object[]> Cases =>
    [
        // batch, channels, size, outChannels, group, kernel, stride, dilation, padBegin, padEnd, width offset
        [1, 3, 9, 4, 1, 3, 1, 1, 1, 1, 0],
        [2, 4, 8, 6, 2, 3, 2, 1, 1, 0, 3],
        [1, 6, 7, 6, 6, 3, 1, 1, 1, 1, 2],
        [2, 4, 10, 8, 4, 3, 2, 1, 0, 2, 1],
        [1, 5, 11, 7, 1, 1, 1, 1, 0, 0, 0],
        [1, 8, 6, 16, 2, 1, 1, 1, 0, 0, 5],
        [1, 3, 12, 5, 1, 3, 1, 2, 2, 2, 0],
        [1, 2, 13, 3, 1, 7, 2, 1, 3, 3, 1],
        [1, 4, 9, 4, 4, 5, 1, 2, 4, 4, 0],
        [1, 3, 5, 2, 1, 2, 3, 1, 0, 1, 4],
        [2, 3, 8, 6, 3, 3, 1, 1, 2, 0, 1],
        [1, 2, 9, 6, 2, 3, 2, 2, 1, 3, 0],
        [1, 32, 24, 9, 1, 3, 1, 1, 1, 1, 1],
        [2, 40, 23, 10, 2, 3, 1, 2, 2, 1, 2],
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_MatchesReference(int batch, int channels, int size, int outChannels, int group, int kernel, int stride, int dilation, int padBegin, int padEnd, int widthOffset)
    {
        // Arrange
        var random = new Random(7);
        var g = ConvGeometry.Create([batch, channels, size, size + widthOffset], [outChannels, channels / group, kernel, kernel], group,
            [stride, stride], [dilation, dilation], [padBegin, padEnd, padEnd, padBegin], "NOTSET");
        var x = GemmTests.RandomArray(batch * channels * g.InPlane, random);
        var w = GemmTests.RandomArray(outChannels * g.ColumnRows, random);
        var bias = GemmTests.RandomArray(outChannels, random);
        var expected = new float[batch * outChannels * g.OutPlane];
        ConvolutionReference.Forward(g, x, w, bias, expected);
        var actual = new float[expected.Length];

        // Act
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 2 };
        if (g.IsDepthwise)
            DepthwiseConvolution.Forward(g, x, w, bias, actual, GemmEpilogue.None, parallel);
        else
            Convolution.Forward(g, x, Convolution.PackWeights(g, w), bias, actual, GemmEpilogue.None, parallel);

        // Assert
        GemmTests.AssertClose(expected, actual, g.ColumnRows);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BackwardData_IsAdjointOfForward(int batch, int channels, int size, int outChannels, int group, int kernel, int stride, int dilation, int padBegin, int padEnd, int widthOffset)
    {
        // Arrange: <conv(x), dy> must equal <x, convᵀ(dy)> for a linear map (no bias).
        var random = new Random(11);
        var g = ConvGeometry.Create([batch, channels, size, size + widthOffset], [outChannels, channels / group, kernel, kernel], group,
            [stride, stride], [dilation, dilation], [padBegin, padEnd, padEnd, padBegin], "NOTSET");
        var x = GemmTests.RandomArray(batch * channels * g.InPlane, random);
        var w = GemmTests.RandomArray(outChannels * g.ColumnRows, random);
        var dy = GemmTests.RandomArray(batch * outChannels * g.OutPlane, random);
        var y = new float[dy.Length];
        var dx = new float[x.Length];
        ConvolutionReference.Forward(g, x, w, [], y);

        // Act
        if (g.IsDepthwise)
            DepthwiseConvolution.BackwardData(g, batch, dy, w, dx, null);
        else
            Convolution.BackwardData(g, batch, dy, Convolution.PackTransposedWeights(g, w), dx, null);

        // Assert
        double left = y.Zip(dy, (a, b) => (double)a * b).Sum();
        double right = x.Zip(dx, (a, b) => (double)a * b).Sum();
        Assert.Equal(left, right, 1e-3 * Math.Max(1, Math.Abs(left)));
    }

    [Theory]
    [InlineData("SAME_UPPER", 8, 3, 2, 0, 4)]
    [InlineData("SAME_LOWER", 8, 3, 2, 1, 4)]
    [InlineData("SAME_UPPER", 8, 4, 1, 1, 8)]
    [InlineData("SAME_LOWER", 8, 4, 1, 2, 8)]
    [InlineData("VALID", 7, 3, 2, 0, 3)]
    public void Create_AutoPad_FollowsOnnxSpec(string autoPad, int size, int kernel, int stride, int expectedPadTop, int expectedOut)
    {
        var g = ConvGeometry.Create([1, 1, size, size], [1, 1, kernel, kernel], 1, [stride, stride], [1, 1], [0, 0, 0, 0], autoPad);

        Assert.Equal(expectedPadTop, g.PadTop);
        Assert.Equal(expectedOut, g.OutHeight);
    }

    [Fact]
    public void Forward_FusedClamp_ClampsAfterBias()
    {
        var g = ConvGeometry.Create([1, 1, 2, 2], [2, 1, 1, 1], 1, [1, 1], [1, 1], [0, 0, 0, 0], "NOTSET");
        float[] x = [1, -2, 3, 10], w = [1, -1], bias = [0.5f, 0f];
        var y = new float[8];

        Convolution.Forward(g, x, Convolution.PackWeights(g, w), bias, y, new GemmEpilogue(null, 0, true, 0f, 6f), null);

        Assert.Equal([1.5f, 0f, 3.5f, 6f, 0f, 2f, 0f, 0f], y);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ClampGradient_EveryLength_MatchesScalarRule(bool guided)
    {
        var random = new Random(guided ? 1 : 2);
        for (int length = 0; length <= 256; length++)
        {
            var y = GemmTests.RandomArray(length, random).Select(v => v < -0.5f ? 0f : v > 0.6f ? 0.6f : v).ToArray();
            var g = GemmTests.RandomArray(length, random);
            var actual = new float[length];

            ClampGradient.Apply(y, g, actual, 0f, 0.6f, guided);

            var expected = y.Select((v, i) => v > 0f && v < 0.6f && (!guided || g[i] > 0f) ? g[i] : 0f).ToArray();
            Assert.Equal(expected, actual);
        }
    }
}
