using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Explain.Engine.Kernels;

/// <summary>
/// The shared element-wise loops. Each runs Vector512 blocks, then Vector256 blocks, then a scalar
/// tail, skipping a width the hardware does not accelerate, so every length and every instruction set
/// goes through the same code. Destination may alias a source (each element is read before written).
/// </summary>
internal static class ElementwiseKernel
{
    public static void Unary<TOp>(ReadOnlySpan<float> x, Span<float> y, TOp op)
        where TOp : struct, IUnaryOperator
    {
        if (y.Length < x.Length)
            throw new ArgumentException("destination is shorter than the source", nameof(y));
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ys = ref MemoryMarshal.GetReference(y);
        nuint n = (nuint)x.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + 16 <= n; i += 16)
                op.Invoke(Vector512.LoadUnsafe(ref xs, i)).StoreUnsafe(ref ys, i);
        if (Vector256.IsHardwareAccelerated)
            for (; i + 8 <= n; i += 8)
                op.Invoke(Vector256.LoadUnsafe(ref xs, i)).StoreUnsafe(ref ys, i);
        for (; i < n; i++)
            Unsafe.Add(ref ys, i) = op.Invoke(Unsafe.Add(ref xs, i));
    }

    public static void Binary<TOp>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y, TOp op)
        where TOp : struct, IBinaryOperator
    {
        if (b.Length != a.Length || y.Length < a.Length)
            throw new ArgumentException("operand lengths differ", nameof(b));
        ref float As = ref MemoryMarshal.GetReference(a);
        ref float bs = ref MemoryMarshal.GetReference(b);
        ref float ys = ref MemoryMarshal.GetReference(y);
        nuint n = (nuint)a.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + 16 <= n; i += 16)
                op.Invoke(Vector512.LoadUnsafe(ref As, i), Vector512.LoadUnsafe(ref bs, i)).StoreUnsafe(ref ys, i);
        if (Vector256.IsHardwareAccelerated)
            for (; i + 8 <= n; i += 8)
                op.Invoke(Vector256.LoadUnsafe(ref As, i), Vector256.LoadUnsafe(ref bs, i)).StoreUnsafe(ref ys, i);
        for (; i < n; i++)
            Unsafe.Add(ref ys, i) = op.Invoke(Unsafe.Add(ref As, i), Unsafe.Add(ref bs, i));
    }

    /// <summary>y[i] = op(a[i], b): the right operand is broadcast (a scalar, or one channel's value).</summary>
    public static void BinaryScalarRight<TOp>(ReadOnlySpan<float> a, float b, Span<float> y, TOp op)
        where TOp : struct, IBinaryOperator
    {
        if (y.Length < a.Length)
            throw new ArgumentException("destination is shorter than the source", nameof(y));
        ref float As = ref MemoryMarshal.GetReference(a);
        ref float ys = ref MemoryMarshal.GetReference(y);
        nuint n = (nuint)a.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var vb = Vector512.Create(b);
            for (; i + 16 <= n; i += 16)
                op.Invoke(Vector512.LoadUnsafe(ref As, i), vb).StoreUnsafe(ref ys, i);
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var vb = Vector256.Create(b);
            for (; i + 8 <= n; i += 8)
                op.Invoke(Vector256.LoadUnsafe(ref As, i), vb).StoreUnsafe(ref ys, i);
        }
        for (; i < n; i++)
            Unsafe.Add(ref ys, i) = op.Invoke(Unsafe.Add(ref As, i), b);
    }

    /// <summary>y[i] = op(a, b[i]): the left operand is broadcast.</summary>
    public static void BinaryScalarLeft<TOp>(float a, ReadOnlySpan<float> b, Span<float> y, TOp op)
        where TOp : struct, IBinaryOperator
    {
        if (y.Length < b.Length)
            throw new ArgumentException("destination is shorter than the source", nameof(y));
        ref float bs = ref MemoryMarshal.GetReference(b);
        ref float ys = ref MemoryMarshal.GetReference(y);
        nuint n = (nuint)b.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var va = Vector512.Create(a);
            for (; i + 16 <= n; i += 16)
                op.Invoke(va, Vector512.LoadUnsafe(ref bs, i)).StoreUnsafe(ref ys, i);
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var va = Vector256.Create(a);
            for (; i + 8 <= n; i += 8)
                op.Invoke(va, Vector256.LoadUnsafe(ref bs, i)).StoreUnsafe(ref ys, i);
        }
        for (; i < n; i++)
            Unsafe.Add(ref ys, i) = op.Invoke(a, Unsafe.Add(ref bs, i));
    }
}
