using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Explain.Engine.Kernels;

namespace Explain.Engine.Tests;

/// <summary>
/// test.sh re-runs Category=Kernels with DOTNET_EnableAVX512=0 and with DOTNET_EnableHWIntrinsic=0
/// so the narrower SIMD drivers and the scalar fallbacks run. Those re-runs prove nothing unless
/// the knob reached the runtime of the test process (a renamed knob — .NET 10 ignores the older
/// DOTNET_EnableAVX512F alone — leaves every wide path on and every test green). This test reads
/// the knobs and the path test.sh says it asked for (EXPLAIN_EXPECTED_SIMD) and fails when the
/// active path differs.
/// </summary>
[Trait("Category", "Kernels")]
public sealed class SimdPathTests
{
    [Fact]
    public void ActivePath_UnderTheRuntimeKnobs_IsTheExpectedOne()
    {
        string? expected = Environment.GetEnvironmentVariable("EXPLAIN_EXPECTED_SIMD");
        bool noIntrinsics = Environment.GetEnvironmentVariable("DOTNET_EnableHWIntrinsic") == "0";
        bool noAvx512 = noIntrinsics || Environment.GetEnvironmentVariable("DOTNET_EnableAVX512") == "0";
        string active = Vector512.IsHardwareAccelerated ? "avx512"
            : Vector256.IsHardwareAccelerated ? "vector256"
            : Vector128.IsHardwareAccelerated ? "vector128" : "scalar";
        Console.WriteLine($"SIMD path: {active} (expected {expected ?? "unset"}; DOTNET_EnableAVX512={Environment.GetEnvironmentVariable("DOTNET_EnableAVX512") ?? "unset"}, DOTNET_EnableHWIntrinsic={Environment.GetEnvironmentVariable("DOTNET_EnableHWIntrinsic") ?? "unset"}); GEMM tile {GemmBlocking.Mr}x{GemmBlocking.Nr}");

        if (noIntrinsics)
        {
            Assert.False(Vector512.IsHardwareAccelerated, "DOTNET_EnableHWIntrinsic=0 but Vector512 is accelerated");
            Assert.False(Vector256.IsHardwareAccelerated, "DOTNET_EnableHWIntrinsic=0 but Vector256 is accelerated");
            Assert.False(Vector128.IsHardwareAccelerated, "DOTNET_EnableHWIntrinsic=0 but Vector128 is accelerated");
            Assert.False(Avx2.IsSupported || Fma.IsSupported || Sse2.IsSupported, "DOTNET_EnableHWIntrinsic=0 but x86 intrinsics are supported");
            Assert.Equal((4, 4), (GemmBlocking.Mr, GemmBlocking.Nr));
        }
        else if (noAvx512)
        {
            Assert.False(Vector512.IsHardwareAccelerated, "DOTNET_EnableAVX512=0 but Vector512 is accelerated");
            Assert.False(Avx512F.IsSupported, "DOTNET_EnableAVX512=0 but Avx512F is supported");
            Assert.NotEqual(8, GemmBlocking.Mr);
        }
        else if (Avx512F.IsSupported)
        {
            // No knob: the machine's widest path must be the one in use.
            Assert.True(Vector512.IsHardwareAccelerated, "AVX-512 hardware, no knob, but Vector512 is not accelerated");
            Assert.Equal((8, 32), (GemmBlocking.Mr, GemmBlocking.Nr));
        }

        // test.sh names the path each re-run is for; a knob that did not reach this process fails here.
        if (expected is not null)
            Assert.Equal(expected, noIntrinsics ? "scalar" : noAvx512 ? "no-avx512" : "default");
        if (expected == "no-avx512" && Vector256.IsHardwareAccelerated)
            Assert.Equal((6, 16), (GemmBlocking.Mr, GemmBlocking.Nr));
    }
}
