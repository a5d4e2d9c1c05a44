using System.Text.Json;
using Explain.Backends;
using Explain.Cam.Backends;
using Explain.Cam.Models;
using Explain.Cam.Targets;
using Explain.Engine.Tensors;

namespace Explain.Cam.Tests.Support;

/// <summary>
/// One model family of tests/fixtures/make_family_fixtures.py (issue 14 part 4): its folder in the
/// family model store (model.onnx, model.json, input.npy, the reference maps) and families_meta.json.
/// </summary>
public sealed class FamilyFixture
{
    public const string Segmenter = "lraspp_mobilenet_v3";
    public const string Detector = "ssdlite_mobilenet_v3";
    public const string Embedder = "resnet18_embedding";
    public const string TwoInput = "vqa_toy";

    /// <summary>The reference methods (gradient methods: Ablation-CAM on LRASPP would keep more re-run values than ModelProbe allows).</summary>
    public static readonly string[] Methods = ["gradcam", "gradcam++"];

    private FamilyFixture(string name, string directory, JsonElement meta)
    {
        Name = name;
        Directory = directory;
        Meta = meta;
    }

    public string Name { get; }

    public string Directory { get; }

    public JsonElement Meta { get; }

    public ModelCard Card => new ModelStore(RepoPaths.FamilyFixtures).Resolve(Name);

    public string Layer => Meta.GetProperty("layer").GetString()!;

    public string[] Targets => Strings("targets");

    /// <summary>The targets' CLI forms; a mask file is named relative to the family's folder.</summary>
    public string[] Specs => Strings("specs");

    public Tensor Input() => Npy.Read(File("input.npy"));

    public string File(string name) => RepoPaths.Require(Path.Combine(Directory, name));

    public float[] Reference(string method, string target) => Npy.Read(File($"{method}-{target}.raw.npy")).Floats.ToArray();

    public int[] ReferenceShape(string method, string target) => Npy.Read(File($"{method}-{target}.raw.npy")).Shape.ToArray();

    /// <summary>A spec parsed as the CLI parses it, files read from the family's folder.</summary>
    public CamTarget Parse(string spec) => TargetSpec.Parse(spec, path => System.IO.File.ReadAllBytes(Path.Combine(Directory, path)));

    public static FamilyFixture Require(string name)
    {
        string dir = Path.Combine(RepoPaths.FamilyFixtures, name);
        string meta = Path.Combine(dir, "families_meta.json");
        if (!System.IO.File.Exists(meta))
            throw new Xunit.Sdk.XunitException($"family fixture '{name}' is missing ({meta}): run `bash tests/fixtures/ensure-fixtures.sh`");
        using var doc = JsonDocument.Parse(System.IO.File.ReadAllText(meta));
        return new FamilyFixture(name, dir, doc.RootElement.Clone());
    }

    /// <summary>An explainer of the family on <paramref name="backend"/> (2 threads, as the other fixture tests).</summary>
    public Explainer Open(BackendKind backend)
    {
        var card = Card;
        return new Explainer(ExecutionBackends.Open(new BackendOptions { Kind = backend, Threads = 2 }, card), card);
    }

    public ExplainOptions Options(IReadOnlyList<CamTarget> targets, IReadOnlyList<string>? methods = null) => new()
    {
        Methods = methods ?? Methods,
        Layers = [Layer],
        Targets = TargetSelection.Of(targets),
    };

    private string[] Strings(string property) => Meta.GetProperty(property).EnumerateArray().Select(e => e.GetString()!).ToArray();
}
