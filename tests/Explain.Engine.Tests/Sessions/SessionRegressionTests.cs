using Explain.Engine.Graph;
using Explain.Engine.Onnx;
using Explain.Engine.Tensors;
using static Explain.Engine.Tests.Fixtures.OnnxBuilder;

namespace Explain.Engine.Tests.Sessions;

/// <summary>Focused regression tests of Session: planning ahead, optimizations, inputs left untouched.</summary>
public sealed class SessionRegressionTests
{
    // The shape operand is a graph input: its values are unknown when planning from shapes alone,
    // so the planner must not fold it (found by ONNX's test_reshape_* run with InputShapes).
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Run_ReshapeToAnInputShapeOperand_UsesTheValuesRun(bool planAhead)
    {
        var model = OnnxModel.Load(Model(13,
            [Node("Reshape", "reshape", ["x", "shape"], ["y"])],
            [Value("x", 2, 3, 4), Int64Value("shape", 2)], [Value("y", -1, -1)]));
        var x = Tensor.FromArray(Enumerable.Range(0, 24).Select(i => (float)i).ToArray(), 2, 3, 4);
        var shape = Tensor.FromInt64([4, 6], 2);
        var options = new SessionOptions
        {
            Threads = 1,
            InputShapes = planAhead ? new Dictionary<string, int[]> { ["x"] = [2, 3, 4], ["shape"] = [2] } : null,
        };

        var y = new Session(model, options).Run(new Dictionary<string, Tensor> { ["x"] = x, ["shape"] = shape }).Outputs["y"];

        Assert.Equal([4, 6], y.Shape);
        Assert.Equal(x.Floats, y.Floats);
    }

    // Observed tensors must come out the same whether or not BatchNorm folding and fusion run.
    [Fact]
    public void Run_OptimizeOnAndOff_SameObservedTensor()
    {
        var model = OnnxModel.Load(ConvRelu());
        var input = GradientCheck.Random([1, 3, 8, 8], new Random(3));

        var on = new Session(model, new SessionOptions { Observe = ["c"], Threads = 1 }).Run(input);
        var off = new Session(model, new SessionOptions { Observe = ["c"], Threads = 1, Optimize = false }).Run(input);

        Assert.Equal(off.Observed["c"].Floats, on.Observed["c"].Floats);
        Assert.Equal(off.Outputs["y"].Floats, on.Outputs["y"].Floats);
    }

    [Fact]
    public void Backward_InputGradient_DoesNotMutateInput()
    {
        var session = new Session(OnnxModel.Load(ConvRelu()), new SessionOptions { InputGradients = true, Threads = 1 });
        var input = GradientCheck.Random([1, 3, 8, 8], new Random(5));
        var copy = input.Clone();
        session.Run(input);

        session.Backward(new Dictionary<string, Tensor> { ["y"] = GradientCheck.Random([1, 4, 8, 8], new Random(6)) });

        Assert.Equal(copy.Floats, input.Floats);
    }
}
