namespace Explain.Cam.Backends;

/// <summary>Which execution backend runs the passes.</summary>
public enum BackendKind
{
    /// <summary>ONNX Runtime (CPU, CUDA or TensorRT providers), gradients from a compiled gradient graph: the default.</summary>
    OnnxRuntime,

    /// <summary>The managed engine (src/Explain.Engine): no native dependency, CPU only.</summary>
    Managed,
}
