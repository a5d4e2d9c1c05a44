namespace Explain.Telemetry.Tests.Support;

/// <summary>Files of the repository the tests check (deploy/prometheus, deploy/grafana).</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Of(params string[] parts) => Path.Combine([Root, .. parts]);

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
