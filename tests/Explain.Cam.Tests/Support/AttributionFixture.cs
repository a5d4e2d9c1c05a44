using System.Collections.Concurrent;
using System.Text.Json;
using Explain.Engine.Tensors;

namespace Explain.Cam.Tests.Support;

/// <summary>
/// One architecture's attribution references (tests/fixtures/make_attribution_fixtures.py:
/// attribution_meta.json and the maps) beside its engine and CAM fixtures. A missing fixture fails
/// the test with the remedy.
/// </summary>
public sealed class AttributionFixture
{
    private const string Remedy = "run `bash tests/fixtures/ensure-fixtures.sh` (it writes .fixtures/attribution)";

    private static readonly ConcurrentDictionary<string, Lazy<AttributionFixture>> Loaded = new(StringComparer.Ordinal);

    private readonly JsonElement _meta;

    private AttributionFixture(string arch)
    {
        Arch = arch;
        Directory = Path.Combine(Root, arch);
        string meta = Path.Combine(Directory, "attribution_meta.json");
        if (!File.Exists(meta))
            throw new Xunit.Sdk.XunitException($"attribution fixture '{arch}' is missing ({meta}): {Remedy}");
        using (var doc = JsonDocument.Parse(File.ReadAllText(meta)))
            _meta = doc.RootElement.Clone();
        Classes = _meta.GetProperty("classes").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        AllZeroMaps = _meta.GetProperty("all_zero_maps").EnumerateArray().Select(e => e.GetString()!.Split(':')[0]).ToHashSet(StringComparer.Ordinal);
        var p = _meta.GetProperty("parameters");
        Seed = p.GetProperty("seed").GetUInt64();
        IntegratedGradientsSteps = p.GetProperty("integrated_gradients_steps").GetInt32();
        BlurSteps = p.GetProperty("integrated_gradients_blur_steps").GetInt32();
        SmoothGradSamples = p.GetProperty("smoothgrad_samples").GetInt32();
        SmoothGradNoise = (float)p.GetProperty("smoothgrad_noise").GetDouble();
    }

    /// <summary>$EXPLAIN_ATTRIBUTION_FIXTURES, else &lt;repo&gt;/.fixtures/attribution.</summary>
    public static string Root => Environment.GetEnvironmentVariable("EXPLAIN_ATTRIBUTION_FIXTURES") is { Length: > 0 } dir
        ? dir
        : Path.Combine(RepoPaths.Root, ".fixtures", "attribution");

    public string Arch { get; }

    public string Directory { get; }

    public IReadOnlyList<int> Classes { get; }

    public IReadOnlySet<string> AllZeroMaps { get; }

    public ulong Seed { get; }

    public int IntegratedGradientsSteps { get; }

    public int BlurSteps { get; }

    public int SmoothGradSamples { get; }

    public float SmoothGradNoise { get; }

    public static AttributionFixture Require(string arch) => Loaded.GetOrAdd(arch, a => new Lazy<AttributionFixture>(() => new AttributionFixture(a))).Value;

    public Tensor Reference(string file)
    {
        string path = Path.Combine(Directory, file);
        if (!File.Exists(path))
            throw new Xunit.Sdk.XunitException($"attribution fixture '{Arch}' has no {file}: {Remedy}");
        return Npy.Read(path);
    }

    /// <summary>(max − min) / max|raw| of a raw reference map.</summary>
    public double RelativeRange(string rawFile) => _meta.GetProperty("stats").GetProperty(rawFile).GetProperty("relative_range").GetDouble();
}
