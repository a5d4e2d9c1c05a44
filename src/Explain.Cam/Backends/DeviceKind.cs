namespace Explain.Cam.Backends;

/// <summary>ONNX Runtime execution providers a backend may run on.</summary>
public enum DeviceKind
{
    Cpu,
    Cuda,
    TensorRt,
}
