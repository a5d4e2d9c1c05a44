namespace Explain.Engine.Errors;

/// <summary>Valid ONNX that the engine deliberately does not support (3-D convolution, other dtypes, ...).</summary>
public sealed class UnsupportedFeatureException(string message) : EngineException(message);
