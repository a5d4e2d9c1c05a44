using System.Text.Json;
using Explain.Backends.Managed;
using Explain.Backends.OnnxRuntime;
using Explain.Cam.Backends;
using Explain.Cam.Models;
using Explain.Engine.Onnx;
using Explain.Engine.Tensors;

namespace Explain.Cam.Tests.Support;

/// <summary>
/// One architecture's references from tests/fixtures/make_metrics_fixtures.py (pytorch-grad-cam's
/// compat conventions and metrics, re-implemented in PyTorch): &lt;repo&gt;/.fixtures/metrics/&lt;arch&gt;
/// ($EXPLAIN_METRICS_FIXTURES). The model and input are the engine fixture's (<see cref="CamFixture"/>
/// reads them the same way). A missing fixture fails the test with the remedy.
/// </summary>
public sealed class MetricsFixture
{
    private const string Remedy = "run `bash tests/fixtures/ensure-fixtures.sh` (it writes .fixtures/engine and .fixtures/metrics)";

    private MetricsFixture(string arch)
    {
        Arch = arch;
        string root = Environment.GetEnvironmentVariable("EXPLAIN_METRICS_FIXTURES") is { Length: > 0 } dir ? dir : Path.Combine(RepoPaths.Root, ".fixtures", "metrics");
        Directory = Path.Combine(root, arch);
        string meta = Path.Combine(Directory, "meta.json");
        if (!File.Exists(meta))
            throw new Xunit.Sdk.XunitException($"metrics fixture '{arch}' is missing ({meta}): {Remedy}");
        using var doc = JsonDocument.Parse(File.ReadAllText(meta));
        Meta = doc.RootElement.Clone();
        Classes = Meta.GetProperty("classes").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        EngineDirectory = Path.Combine(RepoPaths.EngineFixtures, arch);
        using var engine = JsonDocument.Parse(File.ReadAllText(RepoPaths.Require(Path.Combine(EngineDirectory, "meta.json"))));
        ActivationName = engine.RootElement.GetProperty("activation_name").GetString()!;
        OutputName = engine.RootElement.GetProperty("output_name").GetString()!;
    }

    public string Arch { get; }

    public string Directory { get; }

    public string EngineDirectory { get; }

    public JsonElement Meta { get; }

    public IReadOnlyList<int> Classes { get; }

    public string ActivationName { get; }

    public string OutputName { get; }

    public static MetricsFixture Require(string arch) => new(arch);

    public string OnnxPath => Path.Combine(EngineDirectory, "model.onnx");

    /// <summary>An explainer of the engine fixture's model on <paramref name="backend"/>, 2 threads.</summary>
    public Explainer CreateExplainer(BackendKind backend = BackendKind.OnnxRuntime) =>
        new(backend == BackendKind.Managed ? new ManagedBackend(OnnxModel.Load(OnnxPath), threads: 2) : OrtBackend.Load(OnnxPath, threads: 2),
            new ModelCard { Name = Arch, OnnxPath = OnnxPath, ScoresOutput = OutputName });

    public Tensor Input() => Npy.Read(Path.Combine(EngineDirectory, "input.npy"));

    public Tensor Reference(string file)
    {
        string path = Path.Combine(Directory, file);
        return File.Exists(path) ? Npy.Read(path) : throw new Xunit.Sdk.XunitException($"metrics fixture '{Arch}' has no {file}: {Remedy}");
    }
}
