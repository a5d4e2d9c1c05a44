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
/// One architecture's CAM-variant references (tests/fixtures/make_camvariant_fixtures.py:
/// camvariant_meta.json and the maps) beside its engine fixture (model and input). A missing
/// fixture fails the test with the remedy.
/// </summary>
public sealed class CamVariantFixture
{
    private const string Remedy = "run `bash tests/fixtures/ensure-fixtures.sh` (it writes .fixtures/camvariant)";

    private static readonly ConcurrentDictionary<string, Lazy<CamVariantFixture>> Loaded = new(StringComparer.Ordinal);

    private readonly JsonElement _meta;
    private readonly Lazy<OnnxModel> _model;

    private CamVariantFixture(string arch)
    {
        Arch = arch;
        Directory = Path.Combine(Root, arch);
        EngineDirectory = Path.Combine(RepoPaths.EngineFixtures, arch);
        string meta = Path.Combine(Directory, "camvariant_meta.json"), engineMeta = Path.Combine(EngineDirectory, "meta.json");
        if (!File.Exists(meta) || !File.Exists(engineMeta))
            throw new Xunit.Sdk.XunitException($"camvariant fixture '{arch}' is missing ({meta}, {engineMeta}): {Remedy}");
        using (var doc = JsonDocument.Parse(File.ReadAllText(meta)))
            _meta = doc.RootElement.Clone();
        using (var doc = JsonDocument.Parse(File.ReadAllText(engineMeta)))
            OutputName = doc.RootElement.GetProperty("output_name").GetString()!;
        ActivationName = _meta.GetProperty("activation_name").GetString()!;
        Classes = _meta.GetProperty("classes").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        RefineLayers = _meta.GetProperty("refine_layers").EnumerateArray().Select(e => e.GetString()!).ToArray();
        AllZeroMaps = _meta.GetProperty("all_zero_maps").EnumerateArray().Select(e => e.GetString()!.Split(':')[0]).ToHashSet(StringComparer.Ordinal);
        _model = new(() => OnnxModel.Load(Path.Combine(EngineDirectory, "model.onnx")));
    }

    /// <summary>$EXPLAIN_CAMVARIANT_FIXTURES, else &lt;repo&gt;/.fixtures/camvariant.</summary>
    public static string Root => Environment.GetEnvironmentVariable("EXPLAIN_CAMVARIANT_FIXTURES") is { Length: > 0 } dir
        ? dir
        : Path.Combine(RepoPaths.Root, ".fixtures", "camvariant");

    public string Arch { get; }

    public string Directory { get; }

    public string EngineDirectory { get; }

    public string OutputName { get; }

    public string ActivationName { get; }

    public IReadOnlyList<int> Classes { get; }

    /// <summary>RefineCAM's two layers (resnet18: layer3's and layer4's outputs); empty where the script made no RefineCAM reference.</summary>
    public IReadOnlyList<string> RefineLayers { get; }

    public IReadOnlySet<string> AllZeroMaps { get; }

    /// <summary>The script's "parameters" entry.</summary>
    public JsonElement Parameters => _meta.GetProperty("parameters");

    public static CamVariantFixture Require(string arch) => Loaded.GetOrAdd(arch, a => new Lazy<CamVariantFixture>(() => new CamVariantFixture(a))).Value;

    public Tensor Input() => Npy.Read(Path.Combine(EngineDirectory, "input.npy"));

    public Explainer CreateExplainer(BackendKind backend) =>
        new(backend == BackendKind.Managed ? new ManagedBackend(_model.Value, threads: 2) : OrtBackend.Load(Path.Combine(EngineDirectory, "model.onnx"), threads: 2),
            new ModelCard { Name = Arch, OnnxPath = Path.Combine(EngineDirectory, "model.onnx"), ScoresOutput = OutputName });

    public Tensor Reference(string file)
    {
        string path = Path.Combine(Directory, file);
        if (!File.Exists(path))
            throw new Xunit.Sdk.XunitException($"camvariant fixture '{Arch}' has no {file}: {Remedy}");
        return Npy.Read(path);
    }

    /// <summary>(max − min) / max|raw| of a raw reference map.</summary>
    public double RelativeRange(string rawFile) => _meta.GetProperty("stats").GetProperty(rawFile).GetProperty("relative_range").GetDouble();
}
