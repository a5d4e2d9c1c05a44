using System.Diagnostics;

namespace Explain.Cli.Tests.Support;

/// <summary>What one `explain` command line printed and returned.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>
/// Runs `explain` in process (<see cref="ExplainApp.Invoke"/> with captured writers: the same parser,
/// validation and exit codes as the program) or, for what needs a real process (working folder,
/// the shell), as `dotnet explain.dll` beside the tests.
/// </summary>
public static class ExplainCli
{
    public static CliResult Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = ExplainApp.Invoke(args, output, error);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    public static string Dll => Path.Combine(AppContext.BaseDirectory, "explain.dll");

    public static CliResult Process(string workingDirectory, IEnumerable<string> args, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["EXPLAIN_MODEL_STORE"] = RepoPaths.ModelStore;
        return Start(info, timeout);
    }

    public static CliResult Shell(string script, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
        return Start(info, null);
    }

    private static CliResult Start(ProcessStartInfo info, TimeSpan? timeout)
    {
        using var process = System.Diagnostics.Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException($"{info.FileName} {string.Join(' ', info.ArgumentList)} did not finish in time");
        }
        process.WaitForExit();
        return new CliResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}
