using System.Text.Json;
using Explain.Backends.Managed;
using Explain.Backends.OnnxRuntime;
using Explain.Cam.Backends;
using Explain.Cam.Models;
using Explain.Engine.Onnx;
using Explain.Engine.Tensors;

namespace Explain.Cam.Tests.Support;

/// <summary>
/// The Deep Feature Factorization references of tests/fixtures/make_dff_fixtures.py (dff_meta.json
/// and the maps), beside the engine fixture whose model and input they were made from. A missing
/// fixture fails the test with the remedy.
/// </summary>
public sealed class DffFixture
{
    private const string Remedy = "run `bash tests/fixtures/ensure-fixtures.sh` (it writes .fixtures/dff)";

    private DffFixture(string arch)
    {
        Arch = arch;
        Directory = Path.Combine(Root, arch);
        string meta = Path.Combine(Directory, "dff_meta.json");
        if (!File.Exists(meta))
            throw new Xunit.Sdk.XunitException($"dff fixture '{arch}' is missing ({meta}): {Remedy}");
        using var doc = JsonDocument.Parse(File.ReadAllText(meta));
        Meta = doc.RootElement.Clone();
        var p = Meta.GetProperty("parameters");
        Concepts = p.GetProperty("dff_concepts").GetInt32();
        Iterations = p.GetProperty("dff_iterations").GetInt32();
        TopClasses = p.GetProperty("dff_top_classes").GetInt32();
        ActivationName = Meta.GetProperty("activation_name").GetString()!;
    }

    /// <summary>$EXPLAIN_DFF_FIXTURES, else &lt;repo&gt;/.fixtures/dff.</summary>
    public static string Root => Environment.GetEnvironmentVariable("EXPLAIN_DFF_FIXTURES") is { Length: > 0 } dir
        ? dir
        : Path.Combine(RepoPaths.Root, ".fixtures", "dff");

    public string Arch { get; }

    public string Directory { get; }

    public JsonElement Meta { get; }

    public int Concepts { get; }

    public int Iterations { get; }

    public int TopClasses { get; }

    public string ActivationName { get; }

    public static DffFixture Require(string arch) => new(arch);

    public string EngineDirectory => Path.Combine(RepoPaths.EngineFixtures, Arch);

    public string OnnxPath => Path.Combine(EngineDirectory, "model.onnx");

    /// <summary>An explainer of the engine fixture's model on <paramref name="backend"/>, 2 threads.</summary>
    public Explainer CreateExplainer(BackendKind backend)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(EngineDirectory, "meta.json")));
        string output = doc.RootElement.GetProperty("output_name").GetString()!;
        return new(backend == BackendKind.Managed ? new ManagedBackend(OnnxModel.Load(OnnxPath), threads: 2) : OrtBackend.Load(OnnxPath, threads: 2),
            new ModelCard { Name = Arch, OnnxPath = OnnxPath, ScoresOutput = output });
    }

    public Tensor Input() => Npy.Read(Path.Combine(EngineDirectory, "input.npy"));

    /// <summary>The reference of one mode ("papers" or "pytorch-grad-cam").</summary>
    public JsonElement Mode(string mode) => Meta.GetProperty("modes").GetProperty(mode);

    public Tensor Reference(string file)
    {
        string path = Path.Combine(Directory, file);
        if (!File.Exists(path))
            throw new Xunit.Sdk.XunitException($"dff fixture '{Arch}' has no {file}: {Remedy}");
        return Npy.Read(path);
    }

    /// <summary>(max − min) / max|raw| of a raw reference map.</summary>
    public double RelativeRange(string rawFile) => Meta.GetProperty("stats").GetProperty(rawFile).GetProperty("relative_range").GetDouble();
}
