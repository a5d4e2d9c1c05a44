using System.Text.Json;
using Explain.Engine.Tensors;

namespace Explain.Cam.Tests.Support;

/// <summary>
/// The reference class-discrimination maps and shares on the real mobilenet_v2 and both.png
/// (tests/fixtures/make_discrimination_fixtures.py: discrimination_meta.json, input.npy, logits.npy
/// and the maps). A missing fixture fails the test with the remedy.
/// </summary>
public sealed class DiscriminationFixture
{
    private const string Remedy = "run `bash tests/fixtures/ensure-fixtures.sh` (it writes .fixtures/discrimination)";

    private static readonly Lazy<DiscriminationFixture> Loaded = new(() => new DiscriminationFixture());

    private readonly JsonElement _meta;

    private DiscriminationFixture()
    {
        Directory = Path.Combine(Root, "mobilenet_v2");
        string meta = Path.Combine(Directory, "discrimination_meta.json");
        if (!File.Exists(meta))
            throw new Xunit.Sdk.XunitException($"discrimination fixture is missing ({meta}): {Remedy}");
        using var doc = JsonDocument.Parse(File.ReadAllText(meta));
        _meta = doc.RootElement.Clone();
        Layer = _meta.GetProperty("layer").GetString()!;
    }

    /// <summary>$EXPLAIN_DISCRIMINATION_FIXTURES, else &lt;repo&gt;/.fixtures/discrimination.</summary>
    public static string Root => Environment.GetEnvironmentVariable("EXPLAIN_DISCRIMINATION_FIXTURES") is { Length: > 0 } dir
        ? dir
        : Path.Combine(RepoPaths.Root, ".fixtures", "discrimination");

    public static DiscriminationFixture Require() => Loaded.Value;

    public string Directory { get; }

    /// <summary>The layer the reference maps were made at (model.json's default target layer).</summary>
    public string Layer { get; }

    /// <summary>The reference's (dog map's upper-half share, cat map's lower-half share) of a method.</summary>
    public (double Dog, double Cat) Shares(string method)
    {
        if (!_meta.GetProperty("shares").TryGetProperty(method, out var s))
            throw new Xunit.Sdk.XunitException($"discrimination fixture has no {method}: {Remedy}");
        return (s.GetProperty("dog_upper").GetDouble(), s.GetProperty("cat_lower").GetDouble());
    }

    public Tensor Reference(string file)
    {
        string path = Path.Combine(Directory, file);
        if (!File.Exists(path))
            throw new Xunit.Sdk.XunitException($"discrimination fixture has no {file}: {Remedy}");
        return Npy.Read(path);
    }
}
