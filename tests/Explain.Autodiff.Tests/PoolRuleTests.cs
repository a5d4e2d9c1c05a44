using Explain.Autodiff.Compiler;
using Explain.Autodiff.Tests.Support;

namespace Explain.Autodiff.Tests;

/// <summary>MaxPool (indices + one-hot ConvTranspose), AveragePool (ones ConvTranspose) and GlobalAveragePool.</summary>
public sealed class PoolRuleTests
{
    public static TheoryData<int[], int[], int[], int[], long> Geometries => new()
    {
        // input, kernel, strides, pads, ceil_mode
        { [1, 2, 8, 8], [3, 3], [2, 2], [1, 1, 1, 1], 0 },  // resnet stem: overlapping windows
        { [1, 3, 6, 6], [2, 2], [2, 2], [0, 0, 0, 0], 0 },  // vgg
        { [1, 2, 8, 8], [3, 3], [2, 2], [0, 0, 0, 0], 1 },  // ceil_mode overhang
        { [1, 2, 7, 10], [3, 2], [2, 3], [1, 0, 1, 1], 1 }, // asymmetric, ceil (no window starting in the end pad: ORT and PyTorch disagree there)
        { [1, 2, 7, 7], [3, 3], [1, 1], [1, 1, 1, 1], 0 },
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void MaxPool_Geometry_MatchesEngineAndFiniteDifferences(int[] x, int[] kernel, int[] strides, int[] pads, long ceil) =>
        GradientCheck.AssertClose(Op.Check("MaxPool", x, ["x"], Window(kernel, strides, pads, ceil), opset: 12));

    [Fact]
    public void MaxPool_Dilated_MatchesFiniteDifferences() =>
        GradientCheck.AssertClose(Op.Check("MaxPool", [1, 2, 9, 9], ["x"],
            [.. Window([2, 2], [1, 1], [0, 0, 0, 0], 0), Attributes.Of("dilations", [2L, 2])], engine: false));

    [Theory]
    [MemberData(nameof(Geometries))]
    public void AveragePool_ExcludingPad_MatchesEngineAndFiniteDifferences(int[] x, int[] kernel, int[] strides, int[] pads, long ceil) =>
        GradientCheck.AssertClose(Op.Check("AveragePool", x, ["x"], Window(kernel, strides, pads, ceil)));

    [Theory]
    [MemberData(nameof(Geometries))]
    public void AveragePool_IncludingPad_MatchesEngineAndFiniteDifferences(int[] x, int[] kernel, int[] strides, int[] pads, long ceil) =>
        GradientCheck.AssertClose(Op.Check("AveragePool", x, ["x"], [.. Window(kernel, strides, pads, ceil), Attributes.Of("count_include_pad", 1L)]));

    [Fact]
    public void GlobalAveragePool_MatchesEngineAndFiniteDifferences() =>
        GradientCheck.AssertClose(Op.Check("GlobalAveragePool", [1, 3, 4, 5], ["x"]));

    private static Explain.Engine.Onnx.Proto.AttributeProto[] Window(int[] kernel, int[] strides, int[] pads, long ceil) =>
    [
        Attributes.Of("kernel_shape", kernel.Select(v => (long)v)), Attributes.Of("strides", strides.Select(v => (long)v)),
        Attributes.Of("pads", pads.Select(v => (long)v)), Attributes.Of("ceil_mode", ceil),
    ];
}
