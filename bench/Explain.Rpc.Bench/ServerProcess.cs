using System.Diagnostics;

namespace Explain.Rpc.Bench;

/// <summary>A benchmarked server in its own process; the port is read from its "PORT n" line.</summary>
public sealed class ServerProcess : IDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public static async Task<ServerProcess> StartAsync(string program, string[] arguments)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // Compression off on every server: the benchmark compares the RPC path, not gzip.
        info.Environment["ECHO_NO_GZIP"] = "1";
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {program}.");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("PORT ", StringComparison.Ordinal))
            {
                return new ServerProcess(process, int.Parse(line[5..], System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        throw new InvalidOperationException($"{program} exited without printing its port.");
    }

    public void Dispose()
    {
        _process.StandardInput.Close();
        if (!_process.WaitForExit(5000))
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
