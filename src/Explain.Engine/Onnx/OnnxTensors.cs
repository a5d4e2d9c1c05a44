using System.Runtime.InteropServices;
using Explain.Engine.Errors;
using Explain.Engine.Onnx.Proto;
using Explain.Engine.Tensors;
using Google.Protobuf;

namespace Explain.Engine.Onnx;

/// <summary>Converts ONNX TensorProto messages (typed fields, raw_data, external data) to engine tensors.</summary>
public static class OnnxTensors
{
    /// <summary>Reads a serialized TensorProto (the .pb files of ONNX's test data).</summary>
    public static Tensor Read(byte[] tensorProtoBytes)
    {
        TensorProto proto;
        try
        {
            proto = TensorProto.Parser.ParseFrom(tensorProtoBytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxFormatException($"not a TensorProto: {e.Message}", e);
        }
        return FromProto(proto, null);
    }

    internal static Tensor FromProto(TensorProto proto, string? externalDataDirectory)
    {
        var dims = proto.Dims.ToArray();
        int count = TensorShape.ElementCount(dims);
        int[] shape = Array.ConvertAll(dims, d => (int)d);
        var raw = proto.DataLocation == TensorProto.Types.DataLocation.External
            ? ExternalData.Read(proto, externalDataDirectory)
            : proto.RawData.Span;
        var type = (TensorProto.Types.DataType)proto.DataType;
        string what = $"tensor '{proto.Name}'";
        switch (type)
        {
            case TensorProto.Types.DataType.Float:
                return Tensor.FromArray(raw.Length > 0 ? Raw<float>(raw, count, what) : Typed(proto.FloatData, count, what), shape);
            case TensorProto.Types.DataType.Int64:
                return Tensor.FromInt64(raw.Length > 0 ? Raw<long>(raw, count, what) : Typed(proto.Int64Data, count, what), shape);
            case TensorProto.Types.DataType.Int32:
                return Tensor.FromInt64(Array.ConvertAll(raw.Length > 0 ? Raw<int>(raw, count, what) : Typed(proto.Int32Data, count, what), v => (long)v), shape);
            default:
                throw new UnsupportedFeatureException($"{what}: element type {type} is not supported (float32, int64, int32)");
        }
    }

    private static T[] Raw<T>(ReadOnlySpan<byte> raw, int count, string what) where T : unmanaged
    {
        int size = Marshal.SizeOf<T>();
        if (raw.Length != (long)count * size)
            throw new OnnxFormatException($"{what}: {raw.Length} bytes of data for {count} elements of {size} bytes");
        // ONNX stores raw_data little-endian, as this machine is.
        return MemoryMarshal.Cast<byte, T>(raw).ToArray();
    }

    private static T[] Typed<T>(Google.Protobuf.Collections.RepeatedField<T> values, int count, string what)
    {
        if (values.Count != count)
            throw new OnnxFormatException($"{what}: {values.Count} values for {count} elements");
        return values.ToArray();
    }
}
