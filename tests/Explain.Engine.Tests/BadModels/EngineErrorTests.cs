using Explain.Engine.Errors;
using Explain.Engine.Graph;
using Explain.Engine.Onnx;
using Explain.Engine.Tensors;
using static Explain.Engine.Tests.Fixtures.OnnxBuilder;

namespace Explain.Engine.Tests.BadModels;

/// <summary>Bad models and bad calls (issue 2): each a specific exception naming the culprit, never a crash.</summary>
public sealed class EngineErrorTests
{
    [Fact]
    public void Load_TruncatedBytes_ThrowsOnnxFormatException()
    {
        byte[] bytes = ConvRelu();

        var e = Assert.Throws<OnnxFormatException>(() => OnnxModel.Load(bytes[..(bytes.Length / 2)]));

        Assert.Contains("ONNX", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Load_EveryPrefixOfAModel_LoadsOrThrowsEngineException()
    {
        byte[] bytes = ConvRelu();
        var escaped = new List<string>();

        for (int length = 0; length < bytes.Length; length++)
        {
            try
            {
                OnnxModel.Load(bytes[..length]);
            }
            catch (EngineException)
            {
            }
            catch (Exception e)
            {
                escaped.Add($"{length}: {e.GetType().Name}: {e.Message}");
            }
        }

        Assert.True(escaped.Count == 0, $"non-engine exceptions for prefixes of {bytes.Length} bytes:\n{string.Join("\n", escaped.Take(10))}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Load_RandomBytes_ThrowsOnnxFormatException(int seed)
    {
        var bytes = new byte[4096];
        new Random(seed).NextBytes(bytes);

        Assert.Throws<OnnxFormatException>(() => OnnxModel.Load(bytes));
    }

    [Fact]
    public void Load_TextFile_ThrowsOnnxFormatException()
    {
        byte[] bytes = "ir_version: 7\ngraph { node { op_type: \"Relu\" } }\n"u8.ToArray();

        Assert.Throws<OnnxFormatException>(() => OnnxModel.Load(bytes));
    }

    [Fact]
    public void Load_GraphWithCycle_ThrowsGraphExceptionNamingANodeOfTheCycle()
    {
        byte[] bytes = Model(13,
            [
                Node("Add", "cycle_add", ["x", "b"], ["a"]),
                Node("Relu", "cycle_relu", ["a"], ["b"]),
                Node("Relu", "out_relu", ["a"], ["y"]),
            ],
            [Value("x", 1, 4)], [Value("y", 1, 4)]);

        var e = Assert.Throws<GraphException>(() => OnnxModel.Load(bytes));

        Assert.True(e.Message.Contains("cycle_add") || e.Message.Contains("cycle_relu"), e.Message);
    }

    [Fact]
    public void Load_MissingInitializer_ThrowsGraphExceptionNamingNodeAndTensor()
    {
        byte[] bytes = Model(13,
            [Node("Conv", "conv_without_weight", ["x", "w"], ["y"])],
            [Value("x", 1, 3, 8, 8)], [Value("y", 1, 4, 6, 6)]);

        var e = Assert.Throws<GraphException>(() => OnnxModel.Load(bytes));

        Assert.Contains("conv_without_weight", e.Message);
        Assert.Contains("'w'", e.Message);
    }

    [Fact]
    public void Load_UnsupportedOperators_ListsAllOfThemWithOpset()
    {
        byte[] bytes = Model(13,
            [
                Node("FancyOp", "fancy", ["x"], ["a"]),
                Node("Relu", "relu", ["a"], ["b"]),
                Node("OtherOp", "other", ["b"], ["y"]),
            ],
            [Value("x", 1, 4)], [Value("y", 1, 4)]);

        var e = Assert.Throws<UnsupportedOperatorException>(() => OnnxModel.Load(bytes));

        Assert.Equal(2, e.Operators.Count);
        Assert.Contains("FancyOp", e.Message);
        Assert.Contains("OtherOp", e.Message);
        Assert.Contains("13", e.Message);
    }

    /// <summary>A model another backend runs (issue 14: LRASPP's Resize on ONNX Runtime) is read for description; a session of it still fails naming the ops.</summary>
    [Fact]
    public void Describe_UnsupportedOperators_KeepsTheGraphAndASessionFailsNamingThem()
    {
        byte[] bytes = Model(13,
            [
                Node("FancyOp", "fancy", ["x"], ["a"]),
                Node("Relu", "relu", ["a"], ["y"]),
            ],
            [Value("x", 1, 4)], [Value("y", 1, 4)]);
        string path = Path.Combine(Path.GetTempPath(), $"describe-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, bytes);
        try
        {
            var model = OnnxModel.Describe(path);

            Assert.Equal(["FancyOp", "Relu"], model.Nodes.Select(n => n.OpType));
            Assert.Contains("FancyOp (opset 13) at node 'fancy'", Assert.Single(model.UnsupportedOperators));
            var e = Assert.Throws<UnsupportedOperatorException>(() => new Session(model));
            Assert.Contains("FancyOp", e.Message);
            Assert.Empty(OnnxModel.Load(Model(13, [Node("Relu", "relu", ["x"], ["y"])], [Value("x", 1, 4)], [Value("y", 1, 4)])).UnsupportedOperators);
        }
        finally
        {
            File.Delete(path);
        }
    }

    // 1e12 elements: 4 TB of float32. The engine must refuse the shape before allocating.
    [Theory]
    [InlineData("ConstantOfShape")]
    [InlineData("Expand")]
    [InlineData("Tile")]
    [InlineData("Reshape")]
    public void Run_AbsurdShape_ThrowsTensorShapeExceptionNamingNode(string op)
    {
        byte[] bytes = op switch
        {
            "ConstantOfShape" => Model(13,
                [Node("ConstantOfShape", "huge_node", ["shape"], ["c"]), Node("Add", "add", ["x", "c"], ["y"])],
                [Value("x", 1)], [Value("y", -1, -1, -1)], Int64s("shape", 100_000, 100_000, 100)),
            "Expand" => Model(13,
                [Node("Expand", "huge_node", ["x", "shape"], ["y"])],
                [Value("x", 1)], [Value("y", -1, -1)], Int64s("shape", 1_000_000, 1_000_000)),
            "Tile" => Model(13,
                [Node("Tile", "huge_node", ["x", "repeats"], ["y"])],
                [Value("x", 1)], [Value("y", -1)], Int64s("repeats", 1_000_000_000_000)),
            _ => Model(13,
                [Node("Reshape", "huge_node", ["x", "shape"], ["y"])],
                [Value("x", 1)], [Value("y", -1, -1)], Int64s("shape", 1_000_000, 1_000_000)),
        };

        var e = Assert.Throws<TensorShapeException>(() => LoadAndRun(bytes, Tensor.FromArray([1f], 1)));

        Assert.Contains("huge_node", e.Message);
    }

    [Theory]
    [InlineData(new[] { 1, 3, 9, 9 })]
    [InlineData(new[] { 3, 8, 8 })]
    [InlineData(new[] { 1, 4, 8, 8 })]
    public void Run_WrongInputShape_ThrowsInputExceptionNamingInput(int[] shape)
    {
        var session = new Session(OnnxModel.Load(ConvRelu()), new SessionOptions { Threads = 1 });

        var e = Assert.Throws<InputException>(() => session.Run(new Dictionary<string, Tensor> { ["x"] = Tensor.Zeros(shape) }));

        Assert.Contains("'x'", e.Message);
    }

    [Fact]
    public void Run_MissingInput_ThrowsInputExceptionNamingInput()
    {
        var session = new Session(OnnxModel.Load(ConvRelu()), new SessionOptions { Threads = 1 });

        var e = Assert.Throws<InputException>(() => session.Run(new Dictionary<string, Tensor> { ["z"] = Tensor.Zeros(1, 3, 8, 8) }));

        Assert.Contains("'x'", e.Message);
    }

    [Fact]
    public void Session_UnknownObservedTensor_ThrowsInputExceptionNamingIt()
    {
        var model = OnnxModel.Load(ConvRelu());
        var options = new SessionOptions { Observe = ["no_such_tensor"], Threads = 1 };

        // Planning may happen at construction or at the first run; either must refuse the name.
        var e = Assert.Throws<InputException>(() => new Session(model, options).Run(Tensor.Zeros(1, 3, 8, 8)));

        Assert.Contains("no_such_tensor", e.Message);
    }

    [Fact]
    public void Backward_SeedOfWrongShape_ThrowsInputException()
    {
        var session = new Session(OnnxModel.Load(ConvRelu()), new SessionOptions { Gradients = true, InputGradients = true, Threads = 1 });
        session.Run(Tensor.Zeros(1, 3, 8, 8));

        var e = Assert.Throws<InputException>(() => session.Backward(new Dictionary<string, Tensor> { ["y"] = Tensor.Zeros(1, 4, 8, 7) }));

        Assert.Contains("'y'", e.Message);
    }

    private static ForwardResult LoadAndRun(byte[] bytes, Tensor input)
    {
        var model = OnnxModel.Load(bytes);
        return new Session(model, new SessionOptions { Threads = 1 }).Run(input);
    }
}
