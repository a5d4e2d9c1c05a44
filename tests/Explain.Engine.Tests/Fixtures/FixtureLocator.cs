namespace Explain.Engine.Tests.Fixtures;

/// <summary>
/// Finds the golden fixtures made by tests/fixtures/make_engine_fixtures.py: the folder named by
/// EXPLAIN_FIXTURES, else &lt;repo root&gt;/.fixtures/engine. A missing fixture fails the test.
/// </summary>
public static class FixtureLocator
{
    public const string EnvironmentVariable = "EXPLAIN_FIXTURES";

    private const string Remedy = "run tests/fixtures/ensure-fixtures.sh (it installs Debian's python3-torch/torchvision/onnx and writes the fixtures)";

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string EngineFixtures =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } dir
            ? dir
            : Path.Combine(RepoRoot, ".fixtures", "engine");

    /// <summary>The folder of one architecture's fixture, complete (meta.json is written last).</summary>
    public static string Require(string arch)
    {
        string dir = Path.Combine(EngineFixtures, arch);
        if (!File.Exists(Path.Combine(dir, "meta.json")))
            throw new Xunit.Sdk.XunitException($"fixture '{arch}' is missing in {EngineFixtures}: {Remedy}");
        return dir;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Explain.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"no Explain.sln above {AppContext.BaseDirectory}");
    }
}
