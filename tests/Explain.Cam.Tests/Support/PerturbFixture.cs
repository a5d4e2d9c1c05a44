using System.Collections.Concurrent;
using System.Text.Json;
using Explain.Backends.Managed;
using Explain.Backends.OnnxRuntime;
using Explain.Cam.Backends;
using Explain.Cam.Models;
using Explain.Cam.Perturbation;
using Explain.Engine.Onnx;
using Explain.Engine.Tensors;

namespace Explain.Cam.Tests.Support;

/// <summary>
/// One architecture's references of the noise- and mask-based methods
/// (tests/fixtures/make_perturb_fixtures.py: perturb_meta.json and the maps) with its engine
/// fixture (model.onnx, input.npy, meta.json). A missing fixture fails the test with the remedy.
/// </summary>
public sealed class PerturbFixture
{
    private const string Remedy = "run `bash tests/fixtures/ensure-fixtures.sh` (it writes .fixtures/engine and .fixtures/perturb)";

    private static readonly ConcurrentDictionary<string, Lazy<PerturbFixture>> Loaded = new(StringComparer.Ordinal);

    private readonly JsonElement _meta;
    private readonly Lazy<OnnxModel> _model;

    private PerturbFixture(string arch)
    {
        Arch = arch;
        Directory = Path.Combine(Root, arch);
        EngineDirectory = Path.Combine(RepoPaths.EngineFixtures, arch);
        string meta = Path.Combine(Directory, "perturb_meta.json"), engineMeta = Path.Combine(EngineDirectory, "meta.json");
        if (!File.Exists(meta) || !File.Exists(engineMeta))
            throw new Xunit.Sdk.XunitException($"perturbation fixture '{arch}' is incomplete ({meta}, {engineMeta}): {Remedy}");
        using (var doc = JsonDocument.Parse(File.ReadAllText(meta)))
            _meta = doc.RootElement.Clone();
        using (var doc = JsonDocument.Parse(File.ReadAllText(engineMeta)))
            OutputName = doc.RootElement.GetProperty("output_name").GetString()!;
        ActivationName = _meta.GetProperty("activation_name").GetString()!;
        SmoothGradCamPlusPlusLayer = _meta.GetProperty("smoothgradcampp_layer").GetString()!;
        Classes = _meta.GetProperty("classes").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        AllZeroMaps = _meta.GetProperty("all_zero_maps").EnumerateArray().Select(e => e.GetString()!.Split(':')[0]).ToHashSet(StringComparer.Ordinal);
        var p = _meta.GetProperty("parameters");
        Seed = p.GetProperty("seed").GetUInt64();
        ScoreChannels = p.GetProperty("score_channels").GetInt32();
        Parameters = PerturbationParameters.Default with
        {
            SmoothGradCamPlusPlusSamples = p.GetProperty("smoothgradcampp_samples").GetInt32(),
            SmoothGradCamPlusPlusStd = (float)p.GetProperty("smoothgradcampp_std").GetDouble(),
            SsCamSamples = p.GetProperty("sscam_samples").GetInt32(),
            SsCamStd = (float)p.GetProperty("sscam_std").GetDouble(),
            IsCamSamples = p.GetProperty("iscam_samples").GetInt32(),
            OcclusionWindow = p.GetProperty("occlusion_window").GetInt32(),
            OcclusionStride = p.GetProperty("occlusion_stride").GetInt32(),
            OcclusionBaseline = (float)p.GetProperty("occlusion_baseline").GetDouble(),
            RiseMasks = p.GetProperty("rise_masks").GetInt32(),
            RiseCells = p.GetProperty("rise_cells").GetInt32(),
            RiseProbability = (float)p.GetProperty("rise_probability").GetDouble(),
        };
        ChosenChannels = _meta.GetProperty("score_channels_chosen").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        _model = new(() => OnnxModel.Load(OnnxPath));
    }

    /// <summary>$EXPLAIN_PERTURB_FIXTURES, else &lt;repo&gt;/.fixtures/perturb.</summary>
    public static string Root => Environment.GetEnvironmentVariable("EXPLAIN_PERTURB_FIXTURES") is { Length: > 0 } dir
        ? dir
        : Path.Combine(RepoPaths.Root, ".fixtures", "perturb");

    public string Arch { get; }

    public string Directory { get; }

    public string EngineDirectory { get; }

    public string OnnxPath => Path.Combine(EngineDirectory, "model.onnx");

    public string OutputName { get; }

    public string ActivationName { get; }

    /// <summary>The layer of the smoothgradcam++ reference (layer3's output: at layer4's the gradient does not depend on the input).</summary>
    public string SmoothGradCamPlusPlusLayer { get; }

    /// <summary>The layer a method's reference was made at.</summary>
    public string LayerOf(string method) => method == "smoothgradcam++" ? SmoothGradCamPlusPlusLayer : ActivationName;

    public IReadOnlyList<int> Classes { get; }

    public IReadOnlySet<string> AllZeroMaps { get; }

    public ulong Seed { get; }

    /// <summary>sscam / iscam: the Faster-Score-CAM channel count of the reference.</summary>
    public int ScoreChannels { get; }

    /// <summary>The channels the reference chose (largest variance), to check Explain chooses the same.</summary>
    public IReadOnlyList<int> ChosenChannels { get; }

    public PerturbationParameters Parameters { get; }

    public static PerturbFixture Require(string arch) => Loaded.GetOrAdd(arch, a => new Lazy<PerturbFixture>(() => new PerturbFixture(a))).Value;

    public Tensor Input() => Npy.Read(Path.Combine(EngineDirectory, "input.npy"));

    public Explainer CreateExplainer(BackendKind backend) =>
        new(backend == BackendKind.Managed ? new ManagedBackend(_model.Value, threads: 2) : OrtBackend.Load(OnnxPath, threads: 2),
            new ModelCard { Name = Arch, OnnxPath = OnnxPath, ScoresOutput = OutputName });

    public Tensor Reference(string file)
    {
        string path = Path.Combine(Directory, file);
        if (!File.Exists(path))
            throw new Xunit.Sdk.XunitException($"perturbation fixture '{Arch}' has no {file}: {Remedy}");
        return Npy.Read(path);
    }

    /// <summary>(max − min) / max|raw| of a raw reference map.</summary>
    public double RelativeRange(string rawFile) => _meta.GetProperty("stats").GetProperty(rawFile).GetProperty("relative_range").GetDouble();
}
