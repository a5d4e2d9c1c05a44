namespace Explain.Cam.Tests.Support;

/// <summary>
/// The `explain` command as users run it, in its own process with the shared model store, so exit
/// codes and messages are the real ones (Program.cs maps exceptions to them). By default the
/// repository's `explain` script, which rebuilds the CLI when its sources changed (so a CLI that
/// does not build fails these tests, not the whole project's compilation); $EXPLAIN_CLI_DLL runs a
/// given explain.dll instead.
/// </summary>
public static class ExplainCli
{
    public static ProcessResult Run(params string[] arguments)
    {
        var environment = new Dictionary<string, string> { ["EXPLAIN_MODEL_STORE"] = RepoPaths.ModelStore };
        // The first call may build the CLI (a minute or more on the shared 2-core machine).
        var timeout = TimeSpan.FromMinutes(10);
        return Environment.GetEnvironmentVariable("EXPLAIN_CLI_DLL") is { Length: > 0 } dll
            ? ChildProcess.Run("dotnet", [dll, .. arguments], environment, timeout)
            : ChildProcess.Run("bash", [Path.Combine(RepoPaths.Root, "explain"), .. arguments], environment, timeout);
    }
}
