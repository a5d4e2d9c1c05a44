namespace Explain.Engine.Errors;

/// <summary>
/// Valid ONNX the engine deliberately does not support (3-D pooling, other element types, optional
/// outputs such as MaxPool's Indices). Conformance runners treat it as "not applicable".
/// </summary>
public sealed class UnsupportedFeatureException(string message) : EngineException(message);
