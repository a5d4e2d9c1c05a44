using Explain.Engine.Onnx.Proto;
using Google.Protobuf;
using Explain.Autodiff.Tests.Support;

namespace Explain.Autodiff.Tests;

/// <summary>The emitted model itself: standard ops only, the source opset, the documented interface.</summary>
public sealed class EmittedModelTests
{
    [Fact]
    public void Compile_Resnet18_EmitsOnlyDefaultDomainOpsAtTheSourceOpset()
    {
        var fixture = Fixture.Load("resnet18");
        var source = ModelProto.Parser.ParseFrom(File.ReadAllBytes(fixture.ModelPath));

        var graph = GradientCompiler.Compile(source.ToByteArray(),
            new GradientRequest([fixture.ActivationName], fixture.OutputName, GradientMode.Guided, IncludeInputGradient: true), fixture.Directory);
        var emitted = ModelProto.Parser.ParseFrom(graph.Model);

        Assert.All(emitted.Graph.Node, n => Assert.True(n.Domain is "" or "ai.onnx", $"{n.OpType} '{n.Name}' is in domain '{n.Domain}'"));
        Assert.Equal(source.OpsetImport.Select(o => (o.Domain, o.Version)), emitted.OpsetImport.Select(o => (o.Domain, o.Version)));
        // the forward nodes are kept as they are, the backward ones follow
        Assert.Equal(source.Graph.Node, emitted.Graph.Node.Take(source.Graph.Node.Count));
        Assert.Equal(
            [graph.ScoresOutput, graph.ActivationOutputs[fixture.ActivationName], graph.GradientOutputs[fixture.ActivationName],
             graph.ActivationOutputs[fixture.InputName], graph.GradientOutputs[fixture.InputName]],
            emitted.Graph.Output.Select(o => o.Name));
        var seed = emitted.Graph.Input.Single(i => i.Name == graph.SeedInput);
        Assert.Equal("K", seed.Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal(1000, seed.Type.TensorType.Shape.Dim[1].DimValue);
        Assert.Equal([1, 3, 112, 112], graph.InputShapes[fixture.InputName]);
    }

    [Fact]
    public void GetOrCompile_ConcurrentCallers_ShareOneCompilation()
    {
        var cache = new GradientGraphCache();
        var model = new ModelBuilder(13).Input("x", 1, 3).Node("Sigmoid", ["x"], ["y"]).Output("y").Build();
        var request = new GradientRequest(["x"], "y", GradientMode.Standard);

        var graphs = Enumerable.Range(0, 8).AsParallel().Select(_ => cache.GetOrCompile(model, request)).ToArray();

        Assert.All(graphs, g => Assert.Same(graphs[0], g));
    }
}
