namespace Explain.Cam.Backends;

/// <summary>The requested backend or device cannot run here (a missing native library, a device the build lacks); the message names what is missing.</summary>
public sealed class BackendUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
