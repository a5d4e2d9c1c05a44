using Explain.Engine.Onnx.Proto;
using Google.Protobuf;

namespace Explain.Engine.Tests.Fixtures;

/// <summary>Small hand-built ONNX models for focused tests, from the engine's own proto types.</summary>
internal static class OnnxBuilder
{
    public static byte[] Model(int opset, IEnumerable<NodeProto> nodes, IEnumerable<ValueInfoProto> inputs,
        IEnumerable<ValueInfoProto> outputs, params TensorProto[] initializers)
    {
        var graph = new GraphProto { Name = "errors" };
        graph.Node.AddRange(nodes);
        graph.Input.AddRange(inputs);
        graph.Output.AddRange(outputs);
        graph.Initializer.AddRange(initializers);
        var model = new ModelProto { IrVersion = 7, ProducerName = "Explain.Engine.Tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return model.ToByteArray();
    }

    public static NodeProto Node(string opType, string name, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = name };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    /// <summary>A float tensor value; a negative dimension is left symbolic.</summary>
    public static ValueInfoProto Value(string name, params long[] dims) => Value(name, TensorProto.Types.DataType.Float, dims);

    public static ValueInfoProto Int64Value(string name, params long[] dims) => Value(name, TensorProto.Types.DataType.Int64, dims);

    private static ValueInfoProto Value(string name, TensorProto.Types.DataType type, long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (long d in dims)
            shape.Dim.Add(d >= 0 ? new TensorShapeProto.Types.Dimension { DimValue = d } : new TensorShapeProto.Types.Dimension { DimParam = "n" });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }

    public static TensorProto Floats(string name, long[] dims, float[] values)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.AddRange(dims);
        t.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        return t;
    }

    public static TensorProto Int64s(string name, params long[] values)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        t.Dims.Add(values.Length);
        t.Int64Data.AddRange(values);
        return t;
    }

    /// <summary>x [1,3,8,8] → Conv (4 filters 3×3, pad 1) → Relu → y: a valid model with a weight worth truncating.</summary>
    public static byte[] ConvRelu()
    {
        var weights = Enumerable.Range(0, 4 * 3 * 3 * 3).Select(i => (float)Math.Sin(i)).ToArray();
        return Model(13,
            [
                Node("Conv", "conv", ["x", "w"], ["c"], Ints("pads", 1, 1, 1, 1)),
                Node("Relu", "relu", ["c"], ["y"]),
            ],
            [Value("x", 1, 3, 8, 8)], [Value("y", 1, 4, 8, 8)],
            Floats("w", [4, 3, 3, 3], weights));
    }
}
