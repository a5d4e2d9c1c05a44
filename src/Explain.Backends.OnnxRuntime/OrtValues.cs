using Explain.Engine.Tensors;
using Microsoft.ML.OnnxRuntime;
using TensorElementDataType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;

namespace Explain.Backends.OnnxRuntime;

/// <summary>Engine tensors to ONNX Runtime values (pinned, no copy) and back (copied out of native memory).</summary>
internal static class OrtValues
{
    public static OrtValue From(Tensor tensor)
    {
        long[] shape = Array.ConvertAll(tensor.Shape, d => (long)d);
        return tensor.Type == DataType.Float32
            ? OrtValue.CreateTensorValueFromMemory(tensor.Floats, shape)
            : OrtValue.CreateTensorValueFromMemory(tensor.Longs, shape);
    }

    public static Tensor ToTensor(OrtValue value, string name)
    {
        var info = value.GetTensorTypeAndShape();
        int[] shape = Array.ConvertAll(info.Shape, d => checked((int)d));
        return info.ElementDataType switch
        {
            TensorElementDataType.Float => Tensor.FromArray(value.GetTensorDataAsSpan<float>().ToArray(), shape),
            TensorElementDataType.Int64 => Tensor.FromInt64(value.GetTensorDataAsSpan<long>().ToArray(), shape),
            TensorElementDataType.Int32 => Tensor.FromInt64(Array.ConvertAll(value.GetTensorDataAsSpan<int>().ToArray(), v => (long)v), shape),
            TensorElementDataType.Bool => Tensor.FromInt64(Array.ConvertAll(value.GetTensorDataAsSpan<bool>().ToArray(), v => v ? 1L : 0L), shape),
            var other => throw new NotSupportedException($"tensor '{name}' has element type {other}; explanations read float32 and int64 tensors"),
        };
    }
}
