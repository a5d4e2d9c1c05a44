namespace Explain.Engine.Tensors;

/// <summary>
/// A dense, row-major (NCHW for images) tensor of float32 or int64 values. The storage array is
/// exactly <see cref="Length"/> long. Tensors are mutable buffers; ops never mutate their inputs.
/// </summary>
public sealed class Tensor
{
    private static readonly float[] NoFloats = [];
    private static readonly long[] NoLongs = [];

    private Tensor(DataType type, int[] shape, float[] floats, long[] longs)
    {
        Type = type;
        Shape = shape;
        Floats = floats;
        Longs = longs;
    }

    public DataType Type { get; }

    /// <summary>Dimensions; an empty array is a scalar holding one element.</summary>
    public int[] Shape { get; }

    /// <summary>float32 storage; empty for int64 tensors.</summary>
    public float[] Floats { get; }

    /// <summary>int64 storage; empty for float32 tensors.</summary>
    public long[] Longs { get; }

    public int Rank => Shape.Length;

    public int Length => Type == DataType.Float32 ? Floats.Length : Longs.Length;

    public Span<float> Span => Floats;

    public static Tensor Create(int[] shape) =>
        new(DataType.Float32, shape, GC.AllocateUninitializedArray<float>(TensorShape.ElementCount(shape)), NoLongs);

    public static Tensor Zeros(params int[] shape) =>
        new(DataType.Float32, shape, new float[TensorShape.ElementCount(shape)], NoLongs);

    public static Tensor FromArray(float[] data, params int[] shape)
    {
        if (TensorShape.ElementCount(shape) != data.Length)
            throw new ArgumentException($"{data.Length} values do not fill shape {TensorShape.Format(shape)}.", nameof(data));
        return new(DataType.Float32, shape, data, NoLongs);
    }

    public static Tensor FromInt64(long[] data, params int[] shape)
    {
        if (TensorShape.ElementCount(shape) != data.Length)
            throw new ArgumentException($"{data.Length} values do not fill shape {TensorShape.Format(shape)}.", nameof(data));
        return new(DataType.Int64, shape, NoFloats, data);
    }

    public static Tensor Scalar(float value) => FromArray([value]);

    /// <summary>A tensor sharing this one's storage with another shape of the same element count.</summary>
    public Tensor Reshape(int[] shape)
    {
        if (TensorShape.ElementCount(shape) != Length)
            throw new ArgumentException($"cannot view {TensorShape.Format(Shape)} as {TensorShape.Format(shape)}.", nameof(shape));
        return new(Type, shape, Floats, Longs);
    }

    public Tensor Clone() => Type == DataType.Float32
        ? new(Type, (int[])Shape.Clone(), (float[])Floats.Clone(), NoLongs)
        : new(Type, (int[])Shape.Clone(), NoFloats, (long[])Longs.Clone());

    /// <summary>Values as int64 whatever the storage type (float values are truncated).</summary>
    public long[] ToInt64Array() => Type == DataType.Int64 ? Longs : Array.ConvertAll(Floats, v => (long)v);

    /// <summary>Values as float32 whatever the storage type.</summary>
    public float[] ToFloatArray() => Type == DataType.Float32 ? Floats : Array.ConvertAll(Longs, v => (float)v);

    public override string ToString() => $"Tensor<{Type}>{TensorShape.Format(Shape)}";
}
