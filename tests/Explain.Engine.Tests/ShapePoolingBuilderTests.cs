using Explain.Engine.Errors;
using Explain.Engine.Onnx;
using Explain.Engine.Ops;
using Explain.Engine.Tensors;
using static Explain.Engine.Tests.OpTestHelpers;

namespace Explain.Engine.Tests;

public class ShapePoolingBuilderTests
{
    private static Op Build(string type, int opset, Dictionary<string, object>? attributes = null, int outputs = 1) =>
        OnnxOps.Build(type, new NodeAttributes("n", attributes ?? []) { OutputCount = outputs }, opset);

    [Fact]
    public void Squeeze_AxesAttributeBefore13InputAfter()
    {
        var x = Tensor.Zeros(1, 2, 1);

        Assert.Equal([2, 1], Forward(Build("Squeeze", 11, new() { ["axes"] = new long[] { 0 } }), x)[0].Shape);
        Assert.Equal([1, 2], Forward(Build("Squeeze", 13), x, Ints(2))[0].Shape);
    }

    [Fact]
    public void Reshape_Opset1ShapeAttribute_IsUsed() =>
        Assert.Equal([3, 2], Forward(Build("Reshape", 1, new() { ["shape"] = new long[] { 3, -1 } }), Iota(6))[0].Shape);

    [Fact]
    public void Split_NumOutputsOpset18_UsesUnevenLastChunk()
    {
        var parts = Forward(Build("Split", 18, new() { ["num_outputs"] = 2L }, outputs: 2), Iota(5));

        Assert.Equal([[3], [2]], parts.Select(p => p.Shape));
    }

    [Fact]
    public void Split_EqualPartsOpset13_UsesNodeOutputCount()
    {
        var parts = Forward(Build("Split", 13, outputs: 3), Iota(6));

        Assert.Equal([4f, 5f], parts[2].Floats);
    }

    [Fact]
    public void Pad_Opset2Attributes_ReadPadsAndValue()
    {
        var op = Build("Pad", 2, new() { ["pads"] = new long[] { 1, 0 }, ["value"] = 4f });

        Assert.Equal([4f, 0f], Forward(op, Floats([0], 1))[0].Floats);
    }

    [Fact]
    public void Constant_ValueVariants_BecomeTensors()
    {
        Assert.Equal([3L, 4L], Forward(Build("Constant", 13, new() { ["value_ints"] = new long[] { 3, 4 } }))[0].Longs);
        Assert.Equal([1.5f], Forward(Build("Constant", 13, new() { ["value_float"] = 1.5f }))[0].Floats);
        Assert.Equal([2f, 3f], Forward(Build("Constant", 13, new() { ["value_floats"] = new[] { 2f, 3f } }))[0].Floats);
        Assert.Equal([5L], Forward(Build("Constant", 13, new() { ["value_int"] = 5L }))[0].Longs);
        Assert.Throws<UnsupportedFeatureException>(() => Build("Constant", 13, new() { ["value_string"] = "x" }));
    }

    [Fact]
    public void MaxPool_IndicesOutputOrThreeDimensions_ThrowUnsupportedFeature()
    {
        Assert.Throws<UnsupportedFeatureException>(() => Build("MaxPool", 12, new() { ["kernel_shape"] = new long[] { 2, 2 } }, outputs: 2));
        Assert.Throws<UnsupportedFeatureException>(() => Build("MaxPool", 12, new() { ["kernel_shape"] = new long[] { 2, 2, 2 } }));
        Assert.Throws<UnsupportedFeatureException>(() => Build("Dropout", 13, outputs: 2));
    }

    [Fact]
    public void AveragePool_CountIncludePadAttribute_ChangesBorderDivisor()
    {
        var attributes = new Dictionary<string, object> { ["kernel_shape"] = new long[] { 2 }, ["pads"] = new long[] { 1, 0 } };
        var x = Floats([4, 8], 1, 1, 2);

        var excluded = Forward(Build("AveragePool", 11, attributes), x)[0];
        var included = Forward(Build("AveragePool", 11, new(attributes) { ["count_include_pad"] = 1L }), x)[0];

        Assert.Equal([4f, 6f], excluded.Floats);
        Assert.Equal([2f, 6f], included.Floats);
    }

    [Fact]
    public void Registry_ListsEveryPoolingAndShapeOp()
    {
        string[] expected = ["MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "Identity", "Dropout", "Constant",
            "ConstantOfShape", "Shape", "Size", "Gather", "Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze", "Concat",
            "Slice", "Split", "Pad", "Expand", "Tile", "Cast", "Range"];

        Assert.All(expected, op => Assert.True(OnnxOps.IsSupported(op), op));
    }
}
