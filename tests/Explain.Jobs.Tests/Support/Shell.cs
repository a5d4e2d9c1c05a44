using System.Diagnostics;

namespace Explain.Jobs.Tests.Support;

/// <summary>Runs a real program (curl, bash, python3) and returns its exit code with stdout, and stderr after it.</summary>
public static class Shell
{
    public static async Task<(int Code, string Output)> RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException($"{program} {string.Join(' ', args)} did not finish in 120 s");
        }
        string err = await stderr;
        return (process.ExitCode, await stdout + (err.Length > 0 ? "\n" + err : ""));
    }
}
