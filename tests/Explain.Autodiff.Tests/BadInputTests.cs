using Explain.Autodiff.Compiler;
using Explain.Engine.Onnx.Proto;
using Explain.Autodiff.Tests.Support;
using Google.Protobuf;

namespace Explain.Autodiff.Tests;

/// <summary>Every bad request fails at compile time with an error that names what is wrong.</summary>
public sealed class BadInputTests
{
    [Fact]
    public void Compile_OpWithoutRuleOnPath_NamesOpNodeAndOpset()
    {
        var model = new ModelBuilder(13).Input("x", 1, 2, 3).Random("w", new Random(1), 3)
            .Node("Max", ["x", "w"], ["m"]).Node("Relu", ["m"], ["y"]).Output("y").Build();

        var e = Assert.Throws<GradientCompileException>(() =>
            GradientCompiler.Compile(model, new GradientRequest([], "y", GradientMode.Standard, IncludeInputGradient: true)));

        Assert.Equal("Max", e.OpType);
        Assert.Equal("Max_0", e.NodeName);
        Assert.Equal(13, e.Opset);
        Assert.Contains("Max", e.Message);
        Assert.Contains("'Max_0'", e.Message);
        Assert.Contains("opset 13", e.Message);
    }

    [Fact]
    public void Compile_OpWithoutRuleOnlyBeforeObservedTensor_IsForwardOnly()
    {
        // Floor has no gradient rule, but it only feeds the observed tensor.
        var model = new ModelBuilder(13).Input("x", 1, 2, 3)
            .Node("Floor", ["x"], ["f"]).Node("Sigmoid", ["f"], ["y"]).Output("y").Build();

        var graph = GradientCompiler.Compile(model, new GradientRequest(["f"], "y", GradientMode.Standard));

        using var ort = new Ort(graph.Model);
        var x = Data.Normal(new Random(2), 6).Select(v => v * 3).ToArray();
        var outputs = ort.Run(new Dictionary<string, (float[], int[])> { ["x"] = (x, [1, 2, 3]), [graph.SeedInput] = (Enumerable.Repeat(1f, 6).ToArray(), [1, 2, 3]) });
        var gradient = outputs[graph.GradientOutputs["f"]].Data;
        var expected = x.Select(v => { double s = 1 / (1 + Math.Exp(-Math.Floor(v))); return (float)(s * (1 - s)); }).ToArray();
        Assert.True(Data.RelativeL2(gradient, expected) < 1e-6);
    }

    [Fact]
    public void Compile_NonFloatObservedTensor_SaysItIsNotFloat()
    {
        var model = new ModelBuilder(13).Input("x", 1, 2, 3)
            .Node("Shape", ["x"], ["s"]).Node("Reshape", ["x", "s"], ["y"]).Output("y").Build();

        var e = Assert.Throws<ArgumentException>(() => GradientCompiler.Compile(model, new GradientRequest(["s"], "y", GradientMode.Standard)));

        Assert.Contains("'s' is int64", e.Message);
        Assert.Contains("float32", e.Message);
    }

    [Fact]
    public void Compile_UnknownTensor_NamesIt()
    {
        var e = Assert.Throws<ArgumentException>(() => GradientCompiler.Compile(Sigmoid(), new GradientRequest(["layer9"], "y", GradientMode.Standard)));
        Assert.Contains("no tensor named 'layer9'", e.Message);
    }

    [Fact]
    public void Compile_UnknownScores_NamesIt()
    {
        var e = Assert.Throws<ArgumentException>(() => GradientCompiler.Compile(Sigmoid(), new GradientRequest(["x"], "logits", GradientMode.Standard)));
        Assert.Contains("no tensor named 'logits'", e.Message);
    }

    [Fact]
    public void Compile_ConstantObserved_SaysItHasNoGradient()
    {
        var model = new ModelBuilder(13).Input("x", 1, 3).Random("w", new Random(1), 3).Node("Mul", ["x", "w"], ["y"]).Output("y").Build();
        var e = Assert.Throws<ArgumentException>(() => GradientCompiler.Compile(model, new GradientRequest(["w"], "y", GradientMode.Standard)));
        Assert.Contains("constant", e.Message);
    }

    [Fact]
    public void Compile_ObservedTensorOffThePath_SaysItDoesNotReachTheScores()
    {
        var model = new ModelBuilder(13).Input("x", 1, 3)
            .Node("Relu", ["x"], ["side"]).Node("Sigmoid", ["x"], ["y"]).Output("y").Output("side").Build();
        var e = Assert.Throws<ArgumentException>(() => GradientCompiler.Compile(model, new GradientRequest(["side"], "y", GradientMode.Standard)));
        Assert.Contains("'side' does not reach the scores 'y'", e.Message);
    }

    [Fact]
    public void Compile_OpsetBelow11_IsRejected()
    {
        var model = new ModelBuilder(10).Input("x", 1, 3).Node("Sigmoid", ["x"], ["y"]).Output("y").Build();
        var e = Assert.Throws<ArgumentException>(() => GradientCompiler.Compile(model, new GradientRequest(["x"], "y", GradientMode.Standard)));
        Assert.Contains("opset 10", e.Message);
    }

    [Fact]
    public void Compile_ExternalDataWithoutDirectory_AsksForIt_AndInlinesItWithOne()
    {
        string dir = Directory.CreateTempSubdirectory("autodiff-external").FullName;
        try
        {
            var weights = new[] { 1f, -2f, 3f };
            File.WriteAllBytes(Path.Combine(dir, "w.bin"), [0, 0, 0, 0, .. System.Runtime.InteropServices.MemoryMarshal.AsBytes(weights.AsSpan()).ToArray()]);
            var model = ModelProto.Parser.ParseFrom(new ModelBuilder(13).Input("x", 1, 3).Floats("w", [0f, 0f, 0f], 3)
                .Node("Mul", ["x", "w"], ["y"]).Output("y").Build());
            var w = model.Graph.Initializer[0];
            w.RawData = ByteString.Empty;
            w.DataLocation = TensorProto.Types.DataLocation.External;
            w.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "w.bin" });
            w.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = "4" });
            w.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = "12" });
            var bytes = model.ToByteArray();
            var request = new GradientRequest(["x"], "y", GradientMode.Standard);

            var e = Assert.Throws<ArgumentException>(() => GradientCompiler.Compile(bytes, request));
            Assert.Contains("w.bin", e.Message);

            var graph = GradientCompiler.Compile(bytes, request, dir);
            using var ort = new Ort(graph.Model);
            var outputs = ort.Run(new Dictionary<string, (float[], int[])> { ["x"] = ([5f, 5f, 5f], [1, 3]), [graph.SeedInput] = ([1f, 1f, 1f], [1, 3]) });
            Assert.Equal(weights, outputs[graph.GradientOutputs["x"]].Data);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static byte[] Sigmoid() => new ModelBuilder(13).Input("x", 1, 3).Node("Sigmoid", ["x"], ["y"]).Output("y").Build();
}
