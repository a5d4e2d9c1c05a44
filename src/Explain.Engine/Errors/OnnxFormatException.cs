namespace Explain.Engine.Errors;

/// <summary>The bytes are not a readable ONNX model (truncated, garbage, unsupported encoding).</summary>
public sealed class OnnxFormatException : EngineException
{
    public OnnxFormatException(string message) : base(message) { }

    public OnnxFormatException(string message, Exception inner) : base(message, inner) { }
}
