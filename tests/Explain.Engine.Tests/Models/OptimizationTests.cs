using Explain.Engine.Graph;
using Explain.Engine.Onnx;
using Explain.Engine.Tensors;
using Explain.Engine.Tests.Fixtures;

namespace Explain.Engine.Tests.Models;

/// <summary>
/// "Graph optimizations must never change an observed tensor" (issue 2): observing a Conv output
/// that feeds a BatchNormalization (the pair BatchNorm folding would merge) and a BatchNorm output
/// that feeds an activation (the pair fusion would merge) gives the same values and gradients
/// with optimizations on and off. Fixtures exported with BatchNormalization nodes kept.
/// </summary>
public sealed class OptimizationTests
{
    private const double Bound = 1e-5;

    [Theory]
    [InlineData("resnet18")]
    [InlineData("densenet121")]
    [InlineData("mobilenet_v2")]
    [InlineData("efficientnet_b0")]
    public void RunAndBackward_ObservedTensorsInsideFusablePairs_SameWithAndWithoutOptimizations(string arch)
    {
        var fixture = EngineFixture.Load(arch);
        var model = OnnxModel.Load(fixture.ModelPath);
        string[] observe = FusablePairMembers(model);
        var input = fixture.Reference("input");

        var on = RunAndBackward(model, fixture, observe, input, optimize: true);
        var off = RunAndBackward(model, fixture, observe, input, optimize: false);

        foreach (var (name, expected) in off)
        {
            double error = RelativeError.L2(on[name].Floats, expected.Floats);
            Assert.True(error < Bound, $"{arch} '{name}': relative L2 {error:E3} between optimized and plain runs");
        }
    }

    private static string[] FusablePairMembers(OnnxModel model)
    {
        var consumers = model.Nodes.SelectMany(n => n.Inputs.Select(i => (Input: i, Node: n)))
            .ToLookup(x => x.Input, x => x.Node.OpType);
        string? convBeforeNorm = model.Nodes.Where(n => n.OpType == "Conv")
            .Select(n => n.Outputs[0]).Skip(1).FirstOrDefault(o => consumers[o].Contains("BatchNormalization"));
        string? normBeforeActivation = model.Nodes.Where(n => n.OpType == "BatchNormalization")
            .Select(n => n.Outputs[0]).Skip(1).FirstOrDefault(o => consumers[o].Any(c => c is "Relu" or "Clip" or "Sigmoid"));
        Assert.NotNull(convBeforeNorm);
        Assert.NotNull(normBeforeActivation);
        return [convBeforeNorm, normBeforeActivation];
    }

    private static Dictionary<string, Tensor> RunAndBackward(OnnxModel model, EngineFixture fixture, string[] observe, Tensor input, bool optimize)
    {
        var session = new Session(model, new SessionOptions
        {
            Observe = observe,
            Gradients = true,
            Threads = 2,
            Optimize = optimize,
            InputShapes = new Dictionary<string, int[]> { [fixture.InputName] = input.Shape },
        });
        var forward = session.Run(new Dictionary<string, Tensor> { [fixture.InputName] = input });
        int classes = forward.Outputs[fixture.OutputName].Shape[^1];
        var gradients = session.Backward(ModelRun.Seeds(fixture.OutputName, classes, fixture.Class));
        var values = new Dictionary<string, Tensor> { ["logits"] = forward.Outputs[fixture.OutputName] };
        foreach (string name in observe)
        {
            values[name] = forward.Observed[name];
            values["d/d " + name] = gradients[name];
        }
        return values;
    }
}
