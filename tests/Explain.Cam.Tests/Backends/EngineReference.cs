using System.Collections.Concurrent;
using System.Text.Json;
using Explain.Backends.Managed;
using Explain.Backends.OnnxRuntime;
using Explain.Cam.Backends;
using Explain.Cam.Tests.Support;
using Explain.Engine.Onnx;
using Explain.Engine.Tensors;

namespace Explain.Cam.Tests.Backends;

/// <summary>One engine fixture (tests/fixtures/make_engine_fixtures.py): model, input, float64 PyTorch references, meta.json.</summary>
public sealed class EngineReference
{
    private const string Remedy = "run `bash tests/fixtures/ensure-fixtures.sh`";

    private static readonly ConcurrentDictionary<string, Lazy<OnnxModel>> Models = new(StringComparer.Ordinal);

    private readonly JsonElement _meta;

    private EngineReference(string arch)
    {
        Arch = arch;
        Directory = Path.Combine(RepoPaths.EngineFixtures, arch);
        string meta = Path.Combine(Directory, "meta.json");
        if (!File.Exists(meta))
            throw new Xunit.Sdk.XunitException($"fixture '{arch}' is missing in {RepoPaths.EngineFixtures}: {Remedy}");
        using var doc = JsonDocument.Parse(File.ReadAllText(meta));
        _meta = doc.RootElement.Clone();
    }

    public string Arch { get; }

    public string Directory { get; }

    public string ModelPath => Path.Combine(Directory, "model.onnx");

    public string OutputName => _meta.GetProperty("output_name").GetString()!;

    public string ActivationName => _meta.GetProperty("activation_name").GetString()!;

    public int Class => _meta.GetProperty("class").GetInt32();

    public int[] BatchClasses => _meta.GetProperty("batch_classes").EnumerateArray().Select(e => e.GetInt32()).ToArray();

    /// <summary>False when every 1e-6 nudge of the input flips some ReLU/MaxPool decision (meta.json decision_check): input gradients then move by ~1e-2 whatever the backend does.</summary>
    public bool InputAwayFromDecisions => _meta.GetProperty("decision_check").GetProperty("passed").GetBoolean();

    public static EngineReference Load(string arch) => new(arch);

    /// <summary>The model as the managed engine parsed it, once per test run.</summary>
    public OnnxModel Model => Models.GetOrAdd(Arch, _ => new Lazy<OnnxModel>(() => OnnxModel.Load(ModelPath))).Value;

    /// <summary>The model on <paramref name="backend"/>, 2 threads; the managed one shares the parsed model.</summary>
    public IModelBackend Backend(BackendKind backend) => backend == BackendKind.Managed
        ? new ManagedBackend(Model, threads: 2)
        : OrtBackend.Load(ModelPath, threads: 2);

    public Tensor Reference(string name) => Npy.Read(Path.Combine(Directory, name + ".npy"));

    /// <summary>‖actual − expected‖₂ / ‖expected‖₂ in double.</summary>
    public static double RelativeL2(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        if (actual.Length != expected.Length)
            throw new Xunit.Sdk.XunitException($"{actual.Length} values vs {expected.Length} expected");
        double diff = 0, norm = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = (double)actual[i] - expected[i];
            diff += d * d;
            norm += (double)expected[i] * expected[i];
        }
        return norm == 0 ? Math.Sqrt(diff) : Math.Sqrt(diff / norm);
    }

    /// <summary>One one-hot row per class: seeds [K, classes] on the scores.</summary>
    public static Tensor Seeds(int classes, params int[] rows)
    {
        var seed = Tensor.Zeros(rows.Length, classes);
        for (int k = 0; k < rows.Length; k++)
            seed.Floats[k * classes + rows[k]] = 1f;
        return seed;
    }
}
