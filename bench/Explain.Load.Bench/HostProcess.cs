using System.Diagnostics;
using System.Globalization;

namespace Explain.Load.Bench;

/// <summary>One service host run as its own process (dotnet explain-*.dll), with its resident set sampled from /proc.</summary>
internal sealed class HostProcess : IDisposable
{
    private readonly Process _process;

    private HostProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Largest VmRSS seen by <see cref="Sample"/>, in bytes.</summary>
    public long PeakRss { get; private set; }

    /// <summary>VmRSS at the first sample after warm-up (<see cref="MarkBaseline"/>).</summary>
    public long BaselineRss { get; private set; }

    public long LastRss { get; private set; }

    public static HostProcess Start(string name, string dll, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        foreach (var a in arguments)
            start.ArgumentList.Add(a);
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 }) Console.Error.WriteLine($"[{name} {process.Id}] {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new HostProcess(name, process);
    }

    public void Sample()
    {
        if (_process.HasExited)
            return;
        try
        {
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (!line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    continue;
                LastRss = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
                PeakRss = Math.Max(PeakRss, LastRss);
            }
        }
        catch (IOException)
        {
            // the process ended between the check and the read
        }
    }

    public void MarkBaseline()
    {
        Sample();
        BaselineRss = LastRss;
        PeakRss = LastRss;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        _process.Dispose();
    }
}
