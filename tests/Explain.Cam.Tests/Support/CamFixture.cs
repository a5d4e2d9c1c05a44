using System.Collections.Concurrent;
using System.Text.Json;
using Explain.Backends.Managed;
using Explain.Backends.OnnxRuntime;
using Explain.Cam.Backends;
using Explain.Cam.Models;
using Explain.Engine.Onnx;
using Explain.Engine.Tensors;

namespace Explain.Cam.Tests.Support;

/// <summary>
/// One architecture's PyTorch references (tests/fixtures/make_cam_fixtures.py: cam_meta.json and
/// the maps) with its engine fixture (model.onnx, input.npy, meta.json). A missing fixture fails
/// the test with the remedy; it never shrinks the test.
/// </summary>
public sealed class CamFixture
{
    private const string Remedy = "run `bash tests/fixtures/ensure-fixtures.sh` (it writes .fixtures/engine and .fixtures/cam)";

    private static readonly ConcurrentDictionary<string, Lazy<CamFixture>> Loaded = new(StringComparer.Ordinal);

    private readonly JsonElement _meta;
    private readonly Lazy<OnnxModel> _model;

    private CamFixture(string arch)
    {
        Arch = arch;
        Directory = Path.Combine(RepoPaths.CamFixtures, arch);
        EngineDirectory = Path.Combine(RepoPaths.EngineFixtures, arch);
        string camMeta = Path.Combine(Directory, "cam_meta.json"), engineMeta = Path.Combine(EngineDirectory, "meta.json");
        if (!File.Exists(camMeta) || !File.Exists(engineMeta))
            throw new Xunit.Sdk.XunitException($"fixture '{arch}' is incomplete ({camMeta}, {engineMeta}): {Remedy}");
        using (var doc = JsonDocument.Parse(File.ReadAllText(camMeta)))
            _meta = doc.RootElement.Clone();
        using (var doc = JsonDocument.Parse(File.ReadAllText(engineMeta)))
            OutputName = doc.RootElement.GetProperty("output_name").GetString()!;
        ActivationName = _meta.GetProperty("activation_name").GetString()!;
        Classes = Ints("classes");
        BatchClasses = Ints("batch_classes");
        Methods = _meta.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!).ToHashSet(StringComparer.Ordinal);
        // Entries read "gradcam-c223.npy: all zeros".
        AllZeroMaps = _meta.GetProperty("all_zero_maps").EnumerateArray().Select(e => e.GetString()!.Split(':')[0]).ToHashSet(StringComparer.Ordinal);
        _model = new(() => OnnxModel.Load(OnnxPath));
    }

    public string Arch { get; }

    public string Directory { get; }

    public string EngineDirectory { get; }

    public string OnnxPath => Path.Combine(EngineDirectory, "model.onnx");

    public string OutputName { get; }

    public string ActivationName { get; }

    public IReadOnlyList<int> Classes { get; }

    public IReadOnlyList<int> BatchClasses { get; }

    /// <summary>The methods the fixture script computed for this architecture (cam_meta.json "methods").</summary>
    public IReadOnlySet<string> Methods { get; }

    /// <summary>Normalized maps the script found all zero (an all-negative raw map), by file name.</summary>
    public IReadOnlySet<string> AllZeroMaps { get; }

    /// <summary>The model, loaded once per test run and shared (an explainer's sessions are its own).</summary>
    public OnnxModel Model => _model.Value;

    public static CamFixture Require(string arch) => Loaded.GetOrAdd(arch, a => new Lazy<CamFixture>(() => new CamFixture(a))).Value;

    public Tensor Input() => Npy.Read(Path.Combine(EngineDirectory, "input.npy"));

    /// <summary>An explainer on <paramref name="backend"/> (ONNX Runtime, the default, unless named), 2 threads.</summary>
    public Explainer CreateExplainer(BackendKind backend = BackendKind.OnnxRuntime) =>
        new(Backend(backend), new ModelCard { Name = Arch, OnnxPath = OnnxPath, ScoresOutput = OutputName });

    /// <summary>The fixture's model on <paramref name="backend"/>; the managed one shares the parsed model.</summary>
    public IModelBackend Backend(BackendKind backend) => backend == BackendKind.Managed
        ? new ManagedBackend(Model, threads: 2)
        : OrtBackend.Load(OnnxPath, threads: 2);

    public Tensor Reference(string file)
    {
        string path = Path.Combine(Directory, file);
        if (!File.Exists(path))
            throw new Xunit.Sdk.XunitException($"fixture '{Arch}' has no {file}: {Remedy}");
        return Npy.Read(path);
    }

    /// <summary>cam_meta.json "feature_references" (issue 16): eigen/aug-smooth, Faster Score-CAM, Group-CAM and faithfulness references.</summary>
    public JsonElement FeatureReferences =>
        _meta.TryGetProperty("feature_references", out var f) && f.EnumerateObject().Any()
            ? f
            : throw new Xunit.Sdk.XunitException($"fixture '{Arch}' has no feature_references in cam_meta.json: {Remedy}");

    /// <summary>cam_meta.json's (max − min) / max|raw| of a raw map: how much float32 error its normalization amplifies.</summary>
    public double RelativeRange(string rawFile) => _meta.GetProperty("stats").GetProperty(rawFile).GetProperty("relative_range").GetDouble();

    private int[] Ints(string name) => _meta.GetProperty(name).EnumerateArray().Select(e => e.GetInt32()).ToArray();
}
