using System.Text.Json;
using Explain.Cam.Layers;
using Explain.Engine.Tensors;

namespace Explain.Cam.Tests.Support;

/// <summary>
/// One transformer's PyTorch references (tests/fixtures/make_transformer_fixtures.py: ViT-B/16 and
/// Swin-T with seeded random weights): model.onnx, input, logits, per target layer its activation,
/// gradients and the gradient CAM maps through pytorch-grad-cam's reshape transform.
/// </summary>
public sealed class TransformerFixture
{
    private const string Remedy = "run `bash tests/fixtures/ensure-fixtures.sh` (it writes .fixtures/transformer)";

    private TransformerFixture(string arch)
    {
        Arch = arch;
        Directory = Path.Combine(RepoPaths.TransformerFixtures, arch);
        string meta = Path.Combine(Directory, "meta.json");
        if (!File.Exists(meta))
            throw new Xunit.Sdk.XunitException($"transformer fixture '{arch}' is missing ({meta}): {Remedy}");
        using var doc = JsonDocument.Parse(File.ReadAllText(meta));
        var root = doc.RootElement;
        OutputName = root.GetProperty("output_name").GetString()!;
        Reshape = ReshapeTransforms.Parse(root.GetProperty("reshape").GetString()!);
        Layers = root.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("name").GetString()!).ToList();
        Grids = root.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("grid").EnumerateArray().Select(d => d.GetInt32()).ToArray()).ToList();
        Classes = root.GetProperty("classes").EnumerateArray().Select(c => c.GetInt32()).ToList();
        Methods = root.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!).ToList();
    }

    public string Arch { get; }

    public string Directory { get; }

    public string OnnxPath => Path.Combine(Directory, "model.onnx");

    public string OutputName { get; }

    public ReshapeTransform Reshape { get; }

    /// <summary>The target layers' ONNX names, in meta.json order (file index t of act&lt;t&gt;.npy).</summary>
    public IReadOnlyList<string> Layers { get; }

    /// <summary>Each layer's [C, h, w] grid after the reshape transform.</summary>
    public IReadOnlyList<int[]> Grids { get; }

    public IReadOnlyList<int> Classes { get; }

    public IReadOnlyList<string> Methods { get; }

    public static TransformerFixture Require(string arch) => new(arch);

    public Tensor Input() => Reference("input.npy");

    public Tensor Reference(string file)
    {
        string path = Path.Combine(Directory, file);
        if (!File.Exists(path))
            throw new Xunit.Sdk.XunitException($"transformer fixture '{Arch}' has no {file}: {Remedy}");
        return Npy.Read(path);
    }
}
