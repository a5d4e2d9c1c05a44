using System.Runtime.InteropServices;

namespace Explain.Backends.OnnxRuntime;

/// <summary>
/// glibc's malloc_trim(0): returns the free pages of every malloc arena to the system. ONNX Runtime
/// frees its parse of a model (the weights' size, in blocks of a few MiB) once a session is built,
/// and glibc keeps such blocks mapped for reuse; the process's resident set would keep them.
/// Elsewhere (musl, macOS, Windows) there is nothing to call and nothing happens.
/// </summary>
internal static partial class NativeHeap
{
    private static bool _unavailable = !OperatingSystem.IsLinux();

    public static void Trim()
    {
        if (_unavailable)
            return;
        try
        {
            MallocTrim(0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _unavailable = true;
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
