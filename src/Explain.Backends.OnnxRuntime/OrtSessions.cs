using Explain.Cam.Backends;
using Explain.Engine.Onnx.Proto;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace Explain.Backends.OnnxRuntime;

/// <summary>
/// The sessions of one model, built once per request shape and kept until disposal. They read the
/// model's weights from one <see cref="SharedInitializers"/> and share one prepacked-weights
/// container, so weights (and the blocks ONNX Runtime repacks them into for GEMM kernels) exist once
/// per model, not once per session. Only a session built <c>full</c> (the forward pass, whose
/// ORT_ENABLE_ALL layout transform rewrites convolution weights into its own NCHWc copy) carries
/// the weight data itself; on a GPU, where that layout transform does not apply, the forward session too reads
/// the one device copy of the weights (<see cref="SharedInitializers.Place"/>). Disposal releases the sessions,
/// then the container and the weights they point into, then the device memory.
/// </summary>
internal sealed class OrtSessions(ExecutionDevice device, int threads, string? modelDirectory, SharedInitializers initializers) : IDisposable
{
    private readonly Dictionary<string, InferenceSession> _sessions = new(StringComparer.Ordinal);
    private readonly PrePackedWeightsContainer _weights = new();
    private bool _disposed;

    public SharedInitializers Initializers { get; } = initializers;

    /// <summary>The device memory every run binds its outputs to, and the copies between it and the host.</summary>
    public DeviceMemory Memory => _memory ??= new DeviceMemory(this);

    private DeviceMemory? _memory;

    public ExecutionDevice Device { get; } = device;

    /// <summary>ONNX Runtime's graph optimization level; tests compare all against none.</summary>
    public GraphOptimizationLevel Optimization { get; init; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary>Whether idle intra-op threads spin-wait for the next parallel section (ONNX Runtime's default) instead of sleeping.</summary>
    public bool SpinWait { get; init; } = true;

    public int Count => _sessions.Count;

    /// <summary>The keys of the sessions built so far (which route a pass took).</summary>
    public IReadOnlyCollection<string> Keys => _sessions.Keys;

    /// <summary>The cached session <paramref name="key"/>, else one built from <paramref name="model"/> (a copy the build may edit).</summary>
    public InferenceSession Get(string key, Func<ModelProto> model, bool full = false)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_sessions.TryGetValue(key, out var session))
            _sessions[key] = session = Create(model(), full);
        return session;
    }

    /// <summary>Disposes and forgets session <paramref name="key"/> (a forward session replaced by one observing more).</summary>
    public void Release(string key)
    {
        if (_sessions.Remove(key, out var session))
            session.Dispose();
    }

    /// <summary>
    /// A session outside the cache (the caller disposes it) of <paramref name="model"/>, a copy the build
    /// may edit. It reads the shared weights, optimized at ORT_ENABLE_EXTENDED at most (no layout
    /// transform, which would copy the convolution weights); when <paramref name="full"/> (ignored when the
    /// weights are placed on a device: every session there reads the device copy), or when ONNX Runtime
    /// cannot load it so, the weights are written into the copy and it is optimized at <see cref="Optimization"/>.
    /// </summary>
    public InferenceSession Create(ModelProto model, bool full = false)
    {
        bool share = Initializers.Count > 0 && Initializers.Declared(model).Any();
        if ((!full || Initializers.Place is not null) && share)
        {
            Initializers.Seal(model);
            // NOTE: an optimizer that reads weight values fails on the sealed declarations (ORT names no optimizer in
            // the error: BatchNormalization folding in ResNet-18 is one); unoptimized, the graph still reads the shared
            // weights, and only when that fails too are the weights written back and loaded like any model's.
            var levels = new[] { (GraphOptimizationLevel)Math.Min((int)Optimization, (int)GraphOptimizationLevel.ORT_ENABLE_EXTENDED), GraphOptimizationLevel.ORT_DISABLE_ALL };
            foreach (var level in levels.Distinct())
            {
                try
                {
                    // Quiet: a level that fails here is expected and handled, so ONNX Runtime must not log it as an error.
                    return Build(model, level, readsSharedOnly: true, quiet: true);
                }
                catch (ArgumentException)
                {
                    // The next level, else the weights written back (a model ONNX Runtime cannot load fails there, with its own error).
                }
            }
        }
        Initializers.Reference(model);
        Initializers.Fill(model);
        var session = Build(model, Optimization, readsSharedOnly: false);
        if (share)
            CollectGarbage();
        return session;
    }

    /// <summary>
    /// A compacting full collection, then the C heap's free pages handed back: after a model's bytes are parsed or
    /// serialized (the weights' size on the large object heap) and after ONNX Runtime frees its parse of them
    /// (glibc keeps freed blocks below its 32 MiB mmap threshold mapped), neither stays resident on top of the sessions.
    /// </summary>
    public static void CollectGarbage()
    {
        // Aggressive: compacts every generation (the large object heap included) and decommits the freed memory, not only frees it.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        NativeHeap.Trim();
    }

    /// <summary>A session of a small model outside the cache, on the device, unoptimized and without shared weights (<see cref="DeviceMemory"/>'s copies).</summary>
    public InferenceSession CreateUtility(ModelProto model)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Build(model, GraphOptimizationLevel.ORT_DISABLE_ALL, readsSharedOnly: false);
    }

    /// <summary>Serializes <paramref name="model"/> and loads it; the bytes are garbage when this returns (a caller's collection frees them).</summary>
    private InferenceSession Build(ModelProto model, GraphOptimizationLevel optimization, bool readsSharedOnly, bool quiet = false)
    {
        byte[] bytes = model.ToByteArray();
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = optimization,
            // Warnings (unused initializers of cut-out suffixes, fallbacks of providers) are not the caller's business; errors surface as exceptions.
            LogSeverityLevel = quiet ? OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL : OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        // Sessions load edited copies from memory; external tensor data still resolves against the model's folder.
        if (!SpinWait)
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        if (modelDirectory is not null)
            options.AddSessionConfigEntry("session.model_external_initializers_file_folder_path", modelDirectory);
        OrtDevice.Configure(options, Device);
        // NOTE: only sessions that read the shared weights get them as overrides. A session with the data at hand may
        // rewrite an initializer under its own name (the transpose optimizer permutes ConvNeXt's layer scale in place),
        // and an override by name would hand the rewritten graph the original tensor.
        if (readsSharedOnly)
            Initializers.AddTo(options, model);
        // NOTE: constant folding materializes the initializers of the nodes it considers, the Conv fusions rewrite the
        // weights of a Conv followed by BatchNormalization, Add or Mul, and the transpose optimizer permutes or reshapes
        // constants it pushes a Transpose through: each would read a sealed tensor, or rewrite one an override then
        // replaces. The graphs that read shared weights (gradients, suffixes, descriptions) run without them.
        if (readsSharedOnly)
            options.AddSessionConfigEntry("optimization.disable_specified_optimizers", "ConstantFolding,ConvBNFusion,ConvAddFusion,ConvMulFusion,TransposeOptimizer");
        try
        {
            return new InferenceSession(bytes, options, _weights);
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
        Initializers.Dispose(); // its device copies came from the memory's allocator: freed before it
        _memory?.Dispose();
    }
}
