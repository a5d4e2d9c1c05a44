namespace Explain.Cli.Tests.Support;

/// <summary>The repository (the folder holding Explain.sln), the shared model store and photos.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The shared data folder: $EXPLAIN_SHARED (./test.sh sets it), else ../shared beside the repository.</summary>
    public static string Shared => Environment.GetEnvironmentVariable("EXPLAIN_SHARED") is { Length: > 0 } dir
        ? dir
        : Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    public static string ModelStore => Path.GetFullPath(Path.Combine(Shared, "models"));

    public static string Images => Path.GetFullPath(Path.Combine(Shared, "data", "images"));

    public static string Image(string name) => Require(Path.Combine(Images, name));

    public static string Require(string path) =>
        File.Exists(path) || Directory.Exists(path) ? path : throw new Xunit.Sdk.XunitException($"missing test input {path}");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Explain.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"no Explain.sln above {AppContext.BaseDirectory}");
    }
}
