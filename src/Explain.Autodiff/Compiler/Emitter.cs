using Explain.Engine.Onnx.Proto;
using Google.Protobuf;

namespace Explain.Autodiff.Compiler;

/// <summary>
/// Appends the nodes and initializers of the gradient graph under reserved names
/// ("explain.grad/N"). Knows the opset, so rules ask for a reduction and get the form that opset
/// defines (axes as an attribute or, from ReduceSum-13 and the other reductions' opset 18, as an input).
/// </summary>
internal sealed class Emitter(int opset, string seedInput)
{
    private int _counter;
    private string? _seedCount;

    public int Opset { get; } = opset;

    public List<NodeProto> Nodes { get; } = [];

    public List<TensorProto> Initializers { get; } = [];

    public string Fresh(string hint) => $"explain.grad/{_counter++}/{hint}";

    public string Node(string opType, IEnumerable<string> inputs, params AttributeProto[] attributes) =>
        NodeMulti(opType, inputs, 1, attributes)[0];

    public string[] NodeMulti(string opType, IEnumerable<string> inputs, int outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = Fresh(opType) };
        node.Input.AddRange(inputs);
        for (int i = 0; i < outputs; i++)
            node.Output.Add($"{node.Name}:{i}");
        node.Attribute.AddRange(attributes);
        Nodes.Add(node);
        return node.Output.ToArray();
    }

    public string Int64s(params long[] values) => Int64s(values, [values.Length]);

    public string Int64s(long[] values, long[] dims)
    {
        var t = new TensorProto { Name = Fresh("const"), DataType = ElementTypes.Int64 };
        t.Dims.AddRange(dims);
        t.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        Initializers.Add(t);
        return t.Name;
    }

    public string Int64Scalar(long value) => Int64s([value], []);

    public string Floats(float[] values, long[] dims)
    {
        var t = new TensorProto { Name = Fresh("const"), DataType = ElementTypes.Float };
        t.Dims.AddRange(dims);
        t.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        Initializers.Add(t);
        return t.Name;
    }

    public string Scalar(float value) => Floats([value], []);

    public string Shape(IEnumerable<long> dims) => Int64s(dims.ToArray());

    /// <summary>Reshape a gradient to [K, ...dims] (K inferred).</summary>
    public string ReshapeK(string gradient, IReadOnlyList<int> dims) =>
        Node("Reshape", [gradient, Shape([-1L, .. dims.Select(d => (long)d)])]);

    public string Reshape(string x, IEnumerable<long> dims) => Node("Reshape", [x, Shape(dims)]);

    public string Transpose(string x, IEnumerable<long> perm) => Node("Transpose", [x], Attributes.Of("perm", perm));

    public string Reduce(string op, string x, IReadOnlyList<long> axes, bool keepDims)
    {
        bool axesAsInput = op == "ReduceSum" ? Opset >= 13 : Opset >= 18;
        var keep = Attributes.Of("keepdims", keepDims ? 1L : 0L);
        return axesAsInput
            ? Node(op, [x, Int64s(axes.ToArray())], keep)
            : Node(op, [x], keep, Attributes.Of("axes", axes));
    }

    public string Where(string condition, string whenTrue, string whenFalse) => Node("Where", [condition, whenTrue, whenFalse]);

    /// <summary>A 1-element int64 tensor holding K, the number of seeds, read from the seed input at run time.</summary>
    public string SeedCount() => _seedCount ??= Node("Slice",
        [Node("Shape", [seedInput]), Int64s(0), Int64s(1), Int64s(0)]);

    /// <summary>Float zeros of shape [K, ...dims].</summary>
    public string ZerosK(IReadOnlyList<long> dims)
    {
        var zero = new TensorProto { DataType = ElementTypes.Float, FloatData = { 0f } };
        zero.Dims.Add(1);
        return Node("ConstantOfShape", [Node("Concat", [SeedCount(), Shape(dims)], Attributes.Of("axis", 0L))], Attributes.Of("value", zero));
    }
}
