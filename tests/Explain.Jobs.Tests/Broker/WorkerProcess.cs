using System.Diagnostics;
using Explain.Jobs.Tests.Support;

namespace Explain.Jobs.Tests.Broker;

/// <summary>A real `explain-worker` process on the test broker; SIGKILL it to play a crashed worker.</summary>
public sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;

    private WorkerProcess(Process process) => _process = process;

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <param name="modelStore">The model store it serves; null: the shared one.</param>
    public static WorkerProcess Start(Uri broker, string? modelStore = null)
    {
        string config = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        string exe = RepoPaths.Require(Path.Combine(RepoPaths.Root, "services", "Explain.Worker", "bin", config, "net10.0", "explain-worker"));
        var start = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--port", "0", "--bind", "127.0.0.1", "--rabbitmq", broker.ToString(), "--models", modelStore ?? RepoPaths.ModelStore, "--concurrency", "1" })
            start.ArgumentList.Add(a);
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new WorkerProcess(process);
    }

    /// <summary>SIGKILL: no shutdown, no ack; the broker requeues what it held.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: false);
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
            Kill();
        _process.Dispose();
    }
}
