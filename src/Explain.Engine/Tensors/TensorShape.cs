using Explain.Engine.Errors;

namespace Explain.Engine.Tensors;

/// <summary>Shape arithmetic shared by ops, the planner and the importer.</summary>
public static class TensorShape
{
    /// <summary>The largest tensor the engine allocates; bigger ones are rejected before allocating.</summary>
    public const long MaxElements = 1L << 30;

    /// <summary>Element count of a shape, rejecting negative dimensions and absurd totals before any allocation.</summary>
    public static int ElementCount(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0)
                throw new TensorShapeException($"negative dimension in shape {Format(shape)}");
            n *= d;
            if (n > MaxElements)
                throw new TensorShapeException($"shape {Format(shape)} holds more than {MaxElements} elements");
        }
        return (int)n;
    }

    public static int ElementCount(ReadOnlySpan<long> shape)
    {
        long n = 1;
        foreach (long d in shape)
        {
            if (d < 0 || d > MaxElements)
                throw new TensorShapeException($"dimension {d} is out of range");
            n *= d;
            if (n > MaxElements)
                throw new TensorShapeException($"shape [{string.Join(", ", shape.ToArray())}] holds more than {MaxElements} elements");
        }
        return (int)n;
    }

    public static string Format(ReadOnlySpan<int> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";

    public static bool SameShape(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);

    /// <summary>Row-major strides of a shape.</summary>
    public static int[] Strides(ReadOnlySpan<int> shape)
    {
        var strides = new int[shape.Length];
        int s = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            strides[i] = s;
            s *= shape[i];
        }
        return strides;
    }

    /// <summary>Normalizes a possibly negative axis against a rank, as ONNX allows.</summary>
    public static int NormalizeAxis(long axis, int rank)
    {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= Math.Max(rank, 1))
            throw new TensorShapeException($"axis {axis} is out of range for rank {rank}");
        return (int)a;
    }

    /// <summary>Numpy-style multidirectional broadcast of two shapes (ONNX broadcasting rules).</summary>
    public static int[] Broadcast(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1)
                throw new TensorShapeException($"shapes {Format(a)} and {Format(b)} do not broadcast");
            result[i] = da == 1 ? db : da;
        }
        return result;
    }
}
