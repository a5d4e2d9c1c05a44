using System.Text.Json;
using Explain.Engine.Tensors;

namespace Explain.Autodiff.Tests.Support;

/// <summary>
/// One architecture's golden data made by tests/fixtures/make_engine_fixtures.py (the engine
/// suite's fixtures): model.onnx, meta.json and float64 PyTorch references saved as float32.
/// Found in $EXPLAIN_FIXTURES, else &lt;repo root&gt;/.fixtures/engine; a missing fixture fails the test.
/// </summary>
internal sealed class Fixture
{
    private readonly JsonElement _meta;

    private Fixture(string arch, string directory, JsonElement meta) => (Arch, Directory, _meta) = (arch, directory, meta);

    public string Arch { get; }

    public string Directory { get; }

    public string ModelPath => Path.Combine(Directory, "model.onnx");

    public string InputName => _meta.GetProperty("input_name").GetString()!;

    public string OutputName => _meta.GetProperty("output_name").GetString()!;

    public string ActivationName => _meta.GetProperty("activation_name").GetString()!;

    public int Class => _meta.GetProperty("class").GetInt32();

    public int[] BatchClasses => _meta.GetProperty("batch_classes").EnumerateArray().Select(e => e.GetInt32()).ToArray();

    /// <summary>False when a 1e-6 nudge of the input flips some ReLU/MaxPool decision (vgg16), see meta.json decision_check.</summary>
    public bool InputAwayFromDecisions => _meta.GetProperty("decision_check").GetProperty("passed").GetBoolean();

    public Tensor Reference(string name) => Npy.Read(Path.Combine(Directory, name + ".npy"));

    public static Fixture Load(string arch)
    {
        string root = Environment.GetEnvironmentVariable("EXPLAIN_FIXTURES") is { Length: > 0 } env
            ? env
            : Path.Combine(RepoRoot(), ".fixtures", "engine");
        string dir = Path.Combine(root, arch);
        if (!File.Exists(Path.Combine(dir, "meta.json")))
            throw new Xunit.Sdk.XunitException($"fixture '{arch}' is missing in {root}: run tests/fixtures/ensure-fixtures.sh");
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "meta.json")));
        return new Fixture(arch, dir, doc.RootElement.Clone());
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Explain.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"no Explain.sln above {AppContext.BaseDirectory}");
    }
}
