using Explain.Autodiff.Compiler;
using Explain.Autodiff.Tests.Support;

namespace Explain.Autodiff.Tests;

/// <summary>Conv → ConvTranspose: strides, pads, dilations, groups, auto_pad, 1-D.</summary>
public sealed class ConvRuleTests
{
    public static TheoryData<string, int, int, int[], int[], int[], int[], string> Cases => new()
    {
        // name, in channels, out channels, kernel, strides, pads, dilations, auto_pad
        { "3x3 s1 p1", 3, 4, [3, 3], [1, 1], [1, 1, 1, 1], [1, 1], "NOTSET" },
        { "3x3 s2 p1 (odd input)", 2, 3, [3, 3], [2, 2], [1, 1, 1, 1], [1, 1], "NOTSET" },
        { "7x7 s2 p3", 3, 2, [7, 7], [2, 2], [3, 3, 3, 3], [1, 1], "NOTSET" },
        { "1x1 s2", 4, 3, [1, 1], [2, 2], [0, 0, 0, 0], [1, 1], "NOTSET" },
        { "asymmetric pads and strides", 2, 2, [3, 2], [2, 1], [0, 1, 2, 0], [1, 1], "NOTSET" },
        { "dilated", 2, 3, [3, 3], [1, 1], [2, 2, 2, 2], [2, 2], "NOTSET" },
        { "SAME_UPPER s2", 2, 2, [3, 3], [2, 2], [], [1, 1], "SAME_UPPER" },
        { "SAME_LOWER", 2, 2, [2, 2], [1, 1], [], [1, 1], "SAME_LOWER" },
        { "VALID s3", 2, 2, [2, 2], [3, 3], [], [1, 1], "VALID" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Conv_Geometry_MatchesEngineAndFiniteDifferences(string name, int cin, int cout, int[] kernel, int[] strides, int[] pads, int[] dilations, string autoPad)
    {
        var result = Check(cin, cout, 1, [1, cin, 9, 8], kernel, strides, pads, dilations, autoPad);
        Assert.False(string.IsNullOrEmpty(name));
        GradientCheck.AssertClose(result);
    }

    [Theory]
    [InlineData(4, 2)]
    [InlineData(6, 3)]
    [InlineData(4, 4)] // depthwise
    public void Conv_Groups_MatchesEngineAndFiniteDifferences(int channels, int groups)
    {
        var result = Check(channels, groups * 2, groups, [1, channels, 7, 7], [3, 3], [2, 2], [1, 1, 1, 1], [1, 1], "NOTSET");
        GradientCheck.AssertClose(result);
    }

    /// <summary>TF "SAME" stride 2 on an even extent: the pad is at the end only (MobileNetV2's depthwise 14 → 7).</summary>
    [Theory]
    [InlineData(14, 1)]
    [InlineData(14, 4)]
    [InlineData(8, 4)]
    public void Conv_EndPadOnlyStride2_MatchesEngineAndFiniteDifferences(int extent, int groups)
    {
        var result = Check(4, 4, groups, [1, 4, extent, extent], [3, 3], [2, 2], [0, 0, 1, 1], [1, 1], "NOTSET");
        GradientCheck.AssertClose(result);
    }

    [Fact]
    public void Conv_OneDimensional_MatchesFiniteDifferences()
    {
        // NOTE: 3-D convolutions cannot be compiled: the engine's planner, which supplies the static shapes, has none.
        GradientCheck.AssertClose(Check(2, 3, 1, [1, 2, 11], [3], [2], [1, 0], [1], "NOTSET", engine: false));
    }

    private static GradientCheck.Result Check(int cin, int cout, int groups, int[] x, int[] kernel, int[] strides, int[] pads,
        int[] dilations, string autoPad, bool engine = true)
    {
        var random = new Random(cin * 31 + cout);
        var attributes = new List<Explain.Engine.Onnx.Proto.AttributeProto>
        {
            Attributes.Of("kernel_shape", kernel.Select(v => (long)v)), Attributes.Of("strides", strides.Select(v => (long)v)),
            Attributes.Of("dilations", dilations.Select(v => (long)v)), Attributes.Of("group", (long)groups),
        };
        if (autoPad == "NOTSET")
            attributes.Add(Attributes.Of("pads", pads.Select(v => (long)v)));
        else
            attributes.Add(Attributes.Of("auto_pad", autoPad));
        var model = new ModelBuilder(13)
            .Input("x", x)
            .Random("w", random, [cout, cin / groups, .. kernel.Select(v => (long)v)])
            .Random("b", random, cout)
            .Node("Conv", ["x", "w", "b"], ["y"], [.. attributes])
            .Output("y")
            .Build();
        var data = Data.Normal(random, x.Aggregate(1, (a, b) => a * b));
        return GradientCheck.Run(model, "x", data, x, "y", engine: engine);
    }
}
