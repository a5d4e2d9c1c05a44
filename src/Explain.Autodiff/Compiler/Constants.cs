using System.Buffers.Binary;
using Explain.Engine.Onnx.Proto;

namespace Explain.Autodiff.Compiler;

/// <summary>
/// Values of the graph's literal constants (initializers and Constant nodes), which some rules
/// read at compile time: reduction axes given as inputs, Clip's floor (guided mode), Gather indices.
/// </summary>
internal sealed class Constants
{
    private readonly Dictionary<string, TensorProto> _tensors = new(StringComparer.Ordinal);

    public Constants(GraphProto graph)
    {
        foreach (var init in graph.Initializer)
            _tensors[init.Name] = init;
        foreach (var node in graph.Node.Where(n => n.OpType == "Constant" && n.Output.Count == 1))
        {
            var a = node.Attribute.FirstOrDefault();
            var t = a?.Name switch
            {
                "value" => a.T,
                "value_float" => Scalar(a.F),
                "value_int" => Scalar(a.I),
                "value_ints" => Vector(a.Ints),
                "value_floats" => Vector(a.Floats),
                _ => null,
            };
            if (t is not null)
                _tensors[node.Output[0]] = t;
        }
    }

    public bool TryInt64s(string name, out long[] values)
    {
        values = [];
        if (!_tensors.TryGetValue(name, out var t))
            return false;
        switch ((TensorProto.Types.DataType)t.DataType)
        {
            case TensorProto.Types.DataType.Int64:
                values = t.RawData.Length > 0 ? Read(t.RawData.Span, 8, s => BinaryPrimitives.ReadInt64LittleEndian(s)) : t.Int64Data.ToArray();
                return true;
            case TensorProto.Types.DataType.Int32:
                values = t.RawData.Length > 0 ? Read(t.RawData.Span, 4, s => (long)BinaryPrimitives.ReadInt32LittleEndian(s)) : t.Int32Data.Select(v => (long)v).ToArray();
                return true;
            default:
                return false;
        }
    }

    public bool TryFloats(string name, out float[] values)
    {
        values = [];
        if (!_tensors.TryGetValue(name, out var t) || t.DataType != ElementTypes.Float)
            return false;
        values = t.RawData.Length > 0 ? Read(t.RawData.Span, 4, s => BinaryPrimitives.ReadSingleLittleEndian(s)) : t.FloatData.ToArray();
        return true;
    }

    private delegate T Reader<T>(ReadOnlySpan<byte> bytes);

    private static T[] Read<T>(ReadOnlySpan<byte> raw, int size, Reader<T> read)
    {
        var values = new T[raw.Length / size];
        for (int i = 0; i < values.Length; i++)
            values[i] = read(raw.Slice(i * size, size));
        return values;
    }

    private static TensorProto Scalar(float v) => new() { DataType = ElementTypes.Float, FloatData = { v } };

    private static TensorProto Scalar(long v) => new() { DataType = ElementTypes.Int64, Int64Data = { v } };

    private static TensorProto Vector(IEnumerable<long> v)
    {
        var t = new TensorProto { DataType = ElementTypes.Int64, Int64Data = { v } };
        t.Dims.Add(t.Int64Data.Count);
        return t;
    }

    private static TensorProto Vector(IEnumerable<float> v)
    {
        var t = new TensorProto { DataType = ElementTypes.Float, FloatData = { v } };
        t.Dims.Add(t.FloatData.Count);
        return t;
    }
}
