using Explain.Engine.Errors;
using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

// Allocation and input decoding shared by the shape-family ops.
internal static class TensorStorage
{
    // A zero-filled tensor of the given element type.
    public static Tensor Zeros(DataType type, int[] shape) => type == DataType.Float32
        ? Tensor.Zeros(shape)
        : Tensor.FromInt64(new long[TensorShape.ElementCount(shape)], shape);

    // Values of a constant shape-like input (int64 in ONNX; float tolerated).
    public static long[] Ints(Tensor t) => t.ToInt64Array();

    // An optional input (contract rule 1: trimmed when trailing, null when omitted in the middle).
    public static Tensor? Optional(Tensor[] inputs, int index) => inputs.Length > index ? inputs[index] : null;

    // A shape given as int64 values, checked for the engine's limits.
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

    // Seeds per forward sample carried by a gradient of a forward output holding <paramref name="forwardLength"/> values.
    public static int SeedFactor(Tensor gradient, int forwardLength) =>
        forwardLength == 0 ? 1 : Math.Max(1, gradient.Length / forwardLength);

    // Pooling computes in float32 only; integer inputs are valid ONNX we do not support.
    public static Tensor RequireFloat(Tensor x, string op) => x.Type == DataType.Float32
        ? x
        : throw new UnsupportedFeatureException($"{op} on {x.Type} tensors is not supported");

    // Contract rule 4: ops that move dimension 0 cannot separate batched seeds.
    public static void RequireSingleSeed(int factor, string op, string why)
    {
        if (factor > 1)
            throw new NotSupportedException($"{op}: batched seeds are not supported when {why}");
    }
}
