using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Explain.Engine.Kernels;

/// <summary>
/// Per-thread scratch for packed B blocks: allocated once per thread on the pinned heap, 64-byte
/// aligned so the micro-kernel's vector loads never split cache lines.
/// </summary>
internal static unsafe class GemmBuffers
{
    [ThreadStatic]
    private static float[]? t_packedB;

    public static float* PackedB()
    {
        var buffer = t_packedB ??= GC.AllocateUninitializedArray<float>(GemmBlocking.Kc * GemmBlocking.Nc + 16, pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        return (float*)((address + 63) & ~(nint)63);
    }
}
