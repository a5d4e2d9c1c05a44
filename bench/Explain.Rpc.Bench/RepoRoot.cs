namespace Explain.Rpc.Bench;

/// <summary>The repository root, found by walking up from the binary to Explain.sln.</summary>
public static class RepoRoot
{
    public static string Find()
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
