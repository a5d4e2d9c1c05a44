namespace Explain.Engine.Errors;

/// <summary>Valid ONNX the engine deliberately does not support (3-D pooling, unsupported element types, ...).</summary>
public sealed class UnsupportedFeatureException(string message) : EngineException(message);
