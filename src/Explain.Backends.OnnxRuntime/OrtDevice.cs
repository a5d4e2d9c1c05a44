using System.Runtime.InteropServices;
using Explain.Cam.Backends;
using Microsoft.ML.OnnxRuntime;

namespace Explain.Backends.OnnxRuntime;

/// <summary>
/// Puts a session on its device: nothing for the CPU; the CUDA (or TensorRT, with CUDA behind it for
/// the nodes TensorRT does not take) execution provider for a GPU. Before asking ONNX Runtime, the
/// native libraries a GPU session needs are looked up one by one, so a missing one is named in the
/// error instead of surfacing as a failed session at the first run.
/// </summary>
internal static class OrtDevice
{
    private const string Remedy = "GPU workers use the image deploy/docker/Dockerfile.gpu (CUDA 13 runtime, cuDNN 9, ONNX Runtime built with -p:ExplainOrtGpu=true)";

    /// <summary>ONNX Runtime's own provider library, then CUDA 13 and cuDNN 9 (ONNX Runtime 1.31's GPU build requirements).</summary>
    private static readonly (string Library, string What)[] CudaLibraries =
    [
        ("libonnxruntime_providers_cuda.so", "ONNX Runtime's CUDA provider, which the CPU package Microsoft.ML.OnnxRuntime does not ship (Microsoft.ML.OnnxRuntime.Gpu.Linux does)"),
        ("libcudart.so.13", "the CUDA 13 runtime"),
        ("libcublasLt.so.13", "cuBLASLt (CUDA 13)"),
        ("libcublas.so.13", "cuBLAS (CUDA 13)"),
        ("libcudnn.so.9", "cuDNN 9"),
    ];

    private static readonly (string Library, string What) TensorRtLibrary = ("libonnxruntime_providers_tensorrt.so", "ONNX Runtime's TensorRT provider");

    public static void Configure(SessionOptions options, ExecutionDevice device)
    {
        if (!device.IsGpu)
            return;
        var required = device.Kind == DeviceKind.TensorRt ? CudaLibraries.Prepend(TensorRtLibrary) : CudaLibraries;
        foreach (var (library, what) in required)
            if (!CanLoad(library))
                throw new BackendUnavailableException($"device {device} needs {library} ({what}), which is not installed here; {Remedy}");
        try
        {
            if (device.Kind == DeviceKind.TensorRt)
                options.AppendExecutionProvider_Tensorrt(device.Index);
            options.AppendExecutionProvider_CUDA(device.Index);
        }
        catch (OnnxRuntimeException e)
        {
            throw new BackendUnavailableException($"device {device}: ONNX Runtime could not start its {device.Kind} provider: {e.Message}; {Remedy}", e);
        }
    }

    /// <summary>Beside the application (where NuGet's native assets land), else by the loader's search path.</summary>
    private static bool CanLoad(string library)
    {
        string local = Path.Combine(AppContext.BaseDirectory, library);
        string nuget = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", library);
        foreach (var candidate in new[] { local, nuget, library })
        {
            if (NativeLibrary.TryLoad(candidate, out var handle))
            {
                NativeLibrary.Free(handle);
                return true;
            }
        }
        return false;
    }
}
