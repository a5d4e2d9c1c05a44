using Explain.Engine.Onnx.Proto;
using Google.Protobuf;

namespace Explain.Autodiff.Tests.Support;

/// <summary>Small ONNX models built in a test, from the compiler's own (full upstream) proto types.</summary>
internal sealed class ModelBuilder(int opset)
{
    private readonly GraphProto _graph = new() { Name = "test" };

    public ModelBuilder Input(string name, params int[] shape) => Add(_graph.Input, name, shape, ElementTypeFloat);

    public ModelBuilder Output(string name) => Add(_graph.Output, name, null, ElementTypeFloat);

    public ModelBuilder Floats(string name, float[] values, params long[] dims)
    {
        var t = new TensorProto { Name = name, DataType = ElementTypeFloat, RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())) };
        t.Dims.AddRange(dims);
        _graph.Initializer.Add(t);
        return this;
    }

    public ModelBuilder Random(string name, Random random, params long[] dims) =>
        Floats(name, Data.Normal(random, (int)dims.Aggregate(1L, (a, b) => a * b)), dims);

    public ModelBuilder Int64s(string name, long[] values, params long[] dims)
    {
        var t = new TensorProto { Name = name, DataType = 7 };
        t.Int64Data.AddRange(values);
        t.Dims.AddRange(dims.Length == 0 ? [values.Length] : dims);
        _graph.Initializer.Add(t);
        return this;
    }

    public ModelBuilder Int64Scalar(string name, long value)
    {
        var t = new TensorProto { Name = name, DataType = 7 };
        t.Int64Data.Add(value);
        _graph.Initializer.Add(t);
        return this;
    }

    public ModelBuilder Node(string op, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = $"{op}_{_graph.Node.Count}" };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return this;
    }

    public byte[] Build()
    {
        var model = new ModelProto { IrVersion = 8, ProducerName = "Explain.Autodiff.Tests", Graph = _graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return model.ToByteArray();
    }

    private const int ElementTypeFloat = 1;

    private ModelBuilder Add(Google.Protobuf.Collections.RepeatedField<ValueInfoProto> list, string name, int[]? shape, int type)
    {
        var tensor = new TypeProto.Types.Tensor { ElemType = type };
        if (shape is not null)
        {
            tensor.Shape = new TensorShapeProto();
            foreach (int d in shape)
                tensor.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        }
        list.Add(new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } });
        return this;
    }
}
