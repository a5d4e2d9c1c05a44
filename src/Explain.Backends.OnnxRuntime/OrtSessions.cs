using Explain.Cam.Backends;
using Microsoft.ML.OnnxRuntime;

namespace Explain.Backends.OnnxRuntime;

/// <summary>
/// The sessions of one model, built once per request shape and kept until disposal. They share one
/// prepacked-weights container, so weights ONNX Runtime repacks for its kernels (convolution and
/// GEMM blocks) exist once per model, not once per session. Disposal releases the sessions, then
/// the container they point into.
/// </summary>
internal sealed class OrtSessions(ExecutionDevice device, int threads, string? modelDirectory) : IDisposable
{
    private readonly Dictionary<string, InferenceSession> _sessions = new(StringComparer.Ordinal);
    private readonly PrePackedWeightsContainer _weights = new();
    private bool _disposed;

    public ExecutionDevice Device { get; } = device;

    /// <summary>ONNX Runtime's graph optimization level; tests compare all against none.</summary>
    public GraphOptimizationLevel Optimization { get; init; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary>Whether idle intra-op threads spin-wait for the next parallel section (ONNX Runtime's default) instead of sleeping.</summary>
    public bool SpinWait { get; init; } = true;

    public int Count => _sessions.Count;

    /// <summary>The keys of the sessions built so far (which route a pass took).</summary>
    public IReadOnlyCollection<string> Keys => _sessions.Keys;

    public InferenceSession Get(string key, Func<byte[]> model)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_sessions.TryGetValue(key, out var session))
            _sessions[key] = session = Create(model());
        return session;
    }

    /// <summary>A session outside the cache (the caller disposes it), for one-off graphs such as every-tensor descriptions.</summary>
    public InferenceSession Create(byte[] model)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = Optimization,
            // Warnings (unused initializers of cut-out suffixes, fallbacks of providers) are not the caller's business; errors surface as exceptions.
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        // Sessions load edited copies from memory; external tensor data still resolves against the model's folder.
        if (!SpinWait)
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        if (modelDirectory is not null)
            options.AddSessionConfigEntry("session.model_external_initializers_file_folder_path", modelDirectory);
        OrtDevice.Configure(options, Device);
        try
        {
            return new InferenceSession(model, options, _weights);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ArgumentException($"ONNX Runtime cannot load the model: {e.Message}", e);
        }
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        foreach (var session in _sessions.Values)
            session.Dispose();
        _sessions.Clear();
        _weights.Dispose();
    }
}
