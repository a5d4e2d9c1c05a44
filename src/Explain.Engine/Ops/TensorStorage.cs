using Explain.Engine.Errors;
using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>Allocation and input decoding shared by the shape-family ops.</summary>
internal static class TensorStorage
{
    /// <summary>A zero-filled tensor of the given element type.</summary>
    public static Tensor Zeros(DataType type, int[] shape) => type == DataType.Float32
        ? Tensor.Zeros(shape)
        : Tensor.FromInt64(new long[TensorShape.ElementCount(shape)], shape);

    /// <summary>Values of a constant shape-like input (int64 in ONNX; float tolerated).</summary>
    public static long[] Ints(Tensor t) => t.ToInt64Array();

    /// <summary>An optional input (contract rule 1: trimmed when trailing, null when omitted in the middle).</summary>
    public static Tensor? Optional(Tensor[] inputs, int index) => inputs.Length > index ? inputs[index] : null;

    /// <summary>A shape given as int64 values, checked for the engine's limits.</summary>
    public static int[] ToShape(ReadOnlySpan<long> dims)
    {
        var shape = new int[dims.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] < 0 || dims[i] > TensorShape.MaxElements)
                throw new TensorShapeException($"dimension {dims[i]} is out of range");
            shape[i] = (int)dims[i];
        }
        TensorShape.ElementCount(shape);
        return shape;
    }

    /// <summary>Seeds per forward sample carried by a gradient of a forward output holding <paramref name="forwardLength"/> values.</summary>
    public static int SeedFactor(Tensor gradient, int forwardLength) =>
        forwardLength == 0 ? 1 : Math.Max(1, gradient.Length / forwardLength);

    /// <summary>Pooling computes in float32 only; integer inputs are valid ONNX we do not support.</summary>
    public static Tensor RequireFloat(Tensor x, string op) => x.Type == DataType.Float32
        ? x
        : throw new UnsupportedFeatureException($"{op} on {x.Type} tensors is not supported");

    /// <summary>Contract rule 4: ops that move dimension 0 cannot separate batched seeds.</summary>
    public static void RequireSingleSeed(int factor, string op, string why)
    {
        if (factor > 1)
            throw new NotSupportedException($"{op}: batched seeds are not supported when {why}");
    }
}
