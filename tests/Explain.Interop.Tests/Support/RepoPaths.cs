namespace Explain.Interop.Tests.Support;

/// <summary>Locations in the repository, found from the test binary by walking up to Explain.sln.</summary>
internal static class RepoPaths
{
    /// <summary>Debian's interpreter: the one that sees python3-grpcio (another python3 may come first on PATH).</summary>
    public const string Python = "/usr/bin/python3";

    public static string Root { get; } = FindRoot();

    public static string Protos => Path.Combine(Root, "protos");

    public static string PythonPeers => Path.Combine(Root, "clients", "interop", "python");

    public static string NodePeers => Path.Combine(Root, "clients", "interop", "node");

    /// <summary>The shared data folder: $EXPLAIN_SHARED (./test.sh sets it), else ../shared beside the repository.</summary>
    public static string Shared => Environment.GetEnvironmentVariable("EXPLAIN_SHARED") is { Length: > 0 } dir
        ? dir
        : Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    public static string ModelStore => Path.GetFullPath(Path.Combine(Shared, "models"));

    public static string Image(string name) => Path.GetFullPath(Path.Combine(Shared, "data", "images", name));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Explain.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Explain.sln not found above " + AppContext.BaseDirectory);
    }
}
