using Explain.Autodiff.Compiler;
using Explain.Autodiff.Rules;
using Explain.Autodiff.Tests.Support;

namespace Explain.Autodiff.Tests;

/// <summary>
/// Resize (linear): the adjoint of the interpolation matrices against central differences of ONNX
/// Runtime's own Resize. The managed engine has no Resize op, so the static shapes come from a probe
/// (as the ORT backend gives them) and there is no engine comparison.
/// </summary>
public sealed class ResizeRuleTests
{
    public static TheoryData<int[], int[], string> Geometries => new()
    {
        // input, output, coordinate_transformation_mode
        { [1, 2, 4, 5], [1, 2, 8, 10], "half_pixel" },          // F.interpolate(scale 2, bilinear, align_corners=False)
        { [1, 2, 3, 3], [1, 2, 16, 16], "half_pixel" },         // LRASPP's 8x -> 128x in miniature: non-integer source steps, edges clamped
        { [1, 1, 9, 7], [1, 1, 4, 3], "half_pixel" },           // downsampling (no antialias)
        { [1, 2, 4, 5], [1, 2, 7, 9], "align_corners" },
        { [1, 2, 4, 5], [1, 2, 1, 9], "pytorch_half_pixel" },   // an output axis of length 1
        { [1, 2, 4, 5], [1, 2, 8, 10], "asymmetric" },
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Resize_LinearWithSizes_MatchesFiniteDifferences(int[] x, int[] y, string transform) =>
        GradientCheck.AssertClose(Op.Check("Resize", x, ["x", "", "", "sizes"], Linear(transform),
            constants: b => b.Int64s("sizes", y.Select(v => (long)v).ToArray(), 4), opset: 17, engine: false, shapes: Probe(x, y)));

    /// <summary>A scales input (F.interpolate(scale_factor=...)) is what ONNX Runtime interpolates with, not output / input.</summary>
    [Fact]
    public void Resize_LinearWithScales_MatchesFiniteDifferences() =>
        GradientCheck.AssertClose(Op.Check("Resize", [1, 2, 5, 4], ["x", "", "scales"], Linear("half_pixel"),
            constants: b => b.Floats("scales", [1f, 1f, 1.5f, 2.5f], 4), opset: 17, engine: false, shapes: Probe([1, 2, 5, 4], [1, 2, 7, 10])));

    [Fact]
    public void Resize_CubicMode_FailsNamingTheMode()
    {
        var e = Assert.Throws<GradientCompileException>(() => Op.Check("Resize", [1, 1, 4, 4], ["x", "", "", "sizes"],
            [Attributes.Of("mode", "cubic")], constants: b => b.Int64s("sizes", [1, 1, 8, 8], 4), opset: 17, engine: false, shapes: Probe([1, 1, 4, 4], [1, 1, 8, 8])));
        Assert.Equal("Resize", e.OpType);
        Assert.Contains("mode 'cubic'", e.Message);
    }

    [Fact]
    public void Matrix_HalfPixelUpsampling_RowsSumToOneAndEdgesClamp()
    {
        var r = ResizeRules.Matrix(8, 4, 2f, "half_pixel");
        for (int o = 0; o < 8; o++)
            Assert.Equal(1f, r.AsSpan(o * 4, 4).ToArray().Sum(), 6);
        // Output 0 maps to source -0.25, clamped to 0: all of input 0; output 1 to 0.25: 3/4 input 0, 1/4 input 1.
        Assert.Equal([1f, 0, 0, 0], r[..4]);
        Assert.Equal([0.75f, 0.25f, 0, 0], r[4..8]);
        Assert.Equal([0, 0, 0, 1f], r[28..]);
    }

    private static Explain.Engine.Onnx.Proto.AttributeProto[] Linear(string transform) =>
        [Attributes.Of("mode", "linear"), Attributes.Of("coordinate_transformation_mode", transform)];

    private static TensorShapeProbe Probe(int[] x, int[] y) => _ => new Dictionary<string, int[]> { ["x"] = x, ["y"] = y };
}
