namespace Explain.Cam.Backends;

/// <summary>
/// The execution backend a host chooses (CLI `--backend/--device/--threads`, the worker's options):
/// one record both read, so every front end parses and defaults the choice the same way.
/// </summary>
public sealed record BackendOptions
{
    public BackendKind Kind { get; init; } = BackendKind.OnnxRuntime;

    /// <summary>The device; null = the model card's default device, else the CPU.</summary>
    public ExecutionDevice? Device { get; init; }

    /// <summary>Intra-op threads per session (0: all cores).</summary>
    public int Threads { get; init; }

    /// <summary>
    /// Whether ONNX Runtime's idle intra-op threads spin-wait for the next parallel section (its own
    /// default) or sleep. Off unless EXPLAIN_ORT_SPIN=1, on every host: an explanation runs several
    /// sessions one after the other (the forward pass, the suffix gradient graph, perturbation
    /// batches), each with its own intra-op threads, and threads left spinning by one session take
    /// the cores the next one needs. ResNet-50 Grad-CAM on 2 cores (bench/Explain.Bench, 2026-12-02,
    /// idle): median 34–42 ms with spinning off against 56–58 ms with it on. Service workers also
    /// share their cores with the broker client, and under a Kubernetes CPU limit a spinning thread
    /// spends the quota. The managed engine never spins.
    /// </summary>
    public bool SpinWait { get; init; } = SpinFromEnvironment;

    public static BackendOptions Default { get; } = new();

    /// <summary>A service host's options: spinning off unless EXPLAIN_ORT_SPIN=1 (whatever the options said).</summary>
    public BackendOptions ForService() => this with { SpinWait = SpinFromEnvironment };

    private static bool SpinFromEnvironment => Environment.GetEnvironmentVariable("EXPLAIN_ORT_SPIN") == "1";

    /// <summary>The device to use for a model whose model.json names <paramref name="cardDevice"/> (null: none).</summary>
    public ExecutionDevice DeviceFor(string? cardDevice) => Device ?? (cardDevice is null ? ExecutionDevice.Cpu : ExecutionDevice.Parse(cardDevice));

    public int EffectiveThreads => Threads > 0 ? Threads : Environment.ProcessorCount;

    /// <summary>Service hosts' choice: EXPLAIN_BACKEND (ort | managed) and EXPLAIN_DEVICE (cpu | cuda[:N] | tensorrt[:N]), unset = the defaults.</summary>
    public static BackendOptions FromEnvironment() =>
        Parse(Environment.GetEnvironmentVariable("EXPLAIN_BACKEND") is { Length: > 0 } b ? b : null,
            Environment.GetEnvironmentVariable("EXPLAIN_DEVICE") is { Length: > 0 } d ? d : null);

    /// <summary>Reads command-line values (null: the default); a bad value is an <see cref="ArgumentException"/> naming the choices.</summary>
    public static BackendOptions Parse(string? backend, string? device, int threads = 0) => new()
    {
        Kind = backend?.Trim().ToLowerInvariant() switch
        {
            null or "ort" or "onnxruntime" => BackendKind.OnnxRuntime,
            "managed" => BackendKind.Managed,
            _ => throw new ArgumentException($"backend '{backend}' is not one of ort, managed"),
        },
        Device = device is null ? null : ExecutionDevice.Parse(device),
        Threads = threads,
    };
}
