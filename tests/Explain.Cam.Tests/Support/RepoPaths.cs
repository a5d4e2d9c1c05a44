namespace Explain.Cam.Tests.Support;

/// <summary>
/// Where the tests find their inputs: the repository (the folder holding Explain.sln), the
/// PyTorch fixtures made by tests/fixtures/ensure-fixtures.sh, and the shared model store and images.
/// </summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>$EXPLAIN_CAM_FIXTURES, else &lt;repo&gt;/.fixtures/cam (make_cam_fixtures.py --out).</summary>
    public static string CamFixtures => Environment.GetEnvironmentVariable("EXPLAIN_CAM_FIXTURES") is { Length: > 0 } dir
        ? dir
        : Path.Combine(Root, ".fixtures", "cam");

    /// <summary>$EXPLAIN_FIXTURES, else &lt;repo&gt;/.fixtures/engine (make_engine_fixtures.py --out).</summary>
    public static string EngineFixtures => Environment.GetEnvironmentVariable("EXPLAIN_FIXTURES") is { Length: > 0 } dir
        ? dir
        : Path.Combine(Root, ".fixtures", "engine");

    /// <summary>$EXPLAIN_TRANSFORMER_FIXTURES, else &lt;repo&gt;/.fixtures/transformer (make_transformer_fixtures.py --out).</summary>
    public static string TransformerFixtures => Environment.GetEnvironmentVariable("EXPLAIN_TRANSFORMER_FIXTURES") is { Length: > 0 } dir
        ? dir
        : Path.Combine(Root, ".fixtures", "transformer");

    /// <summary>$EXPLAIN_FAMILY_FIXTURES, else &lt;repo&gt;/.fixtures/families (make_family_fixtures.py --out): a model store.</summary>
    public static string FamilyFixtures => Environment.GetEnvironmentVariable("EXPLAIN_FAMILY_FIXTURES") is { Length: > 0 } dir
        ? dir
        : Path.Combine(Root, ".fixtures", "families");

    /// <summary>The shared data folder: $EXPLAIN_SHARED (./test.sh sets it), else ../shared beside the repository.</summary>
    public static string Shared => Environment.GetEnvironmentVariable("EXPLAIN_SHARED") is { Length: > 0 } dir
        ? dir
        : Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    public static string ModelStore => Path.GetFullPath(Path.Combine(Shared, "models"));

    public static string Images => Path.GetFullPath(Path.Combine(Shared, "data", "images"));

    /// <summary>A shared file the tests cannot do without: missing, the test fails and says so.</summary>
    public static string Require(string path) =>
        File.Exists(path) ? path : throw new Xunit.Sdk.XunitException($"missing test input {path}");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Explain.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"no Explain.sln above {AppContext.BaseDirectory}");
    }
}
