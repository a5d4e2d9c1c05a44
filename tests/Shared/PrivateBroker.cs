using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Explain.Testing;

/// <summary>
/// A private RabbitMQ node driven by tests/Explain.Messaging.Tests/broker/*.sh: its own temp dir
/// and a block of ten free loopback ports (node, distribution, epmd, then seven for rabbitmqctl),
/// so concurrent runs and a system broker never meet. Shared by the messaging tests, the service
/// tests and the service bench (linked into each project).
/// </summary>
internal sealed class PrivateBroker
{
    private readonly string _scriptDir;
    private readonly Dictionary<string, string> _environment;
    private bool _started;

    /// <param name="scriptDir">The folder with start-broker.sh, stop-broker.sh, ctl.sh and crash-broker.sh.</param>
    /// <param name="name">Tells the brokers of concurrent runs apart: dir explain-test-broker-NAME-PID, node explain-NAME-PID@localhost.</param>
    /// <param name="portBase">
    /// Start of the range to pick the block from: up to 1 000 blocks of ten (e.g. 20 000 - 29 999), fewer when the
    /// ports end first. NOTE: keep ranges out of Linux's ephemeral ports (32 768 - 60 999 by default): a port free when
    /// checked could be taken by any outgoing connection of the same test process before the broker binds it
    /// (seen: eaddrinuse at start, with the jobs tests' range at 30 000).
    /// </param>
    public PrivateBroker(string scriptDir, string name, int portBase)
    {
        _scriptDir = scriptDir;
        _environment = Environment(name, portBase);
    }

    /// <summary>Starts the node and returns its AMQP URI.</summary>
    public async Task<Uri> StartAsync()
    {
        _started = true; // stop even if start fails half-way
        var output = await RunAsync("start-broker.sh");
        return new Uri(output.Trim().Split('\n')[^1]);
    }

    /// <summary>Stops the node and deletes its state (nothing to do if it was never started).</summary>
    public Task StopAsync() => _started ? RunAsync("stop-broker.sh") : Task.CompletedTask;

    /// <summary>rabbitmqctl against the node, e.g. "stop_app"; returns its standard output.</summary>
    public Task<string> CtlAsync(params string[] arguments) => RunAsync("ctl.sh", arguments);

    /// <summary>SIGKILL to the node (a crash, state left on disk), then the node started again on the same dir and ports.</summary>
    public async Task CrashAndRestartAsync()
    {
        await RunAsync("crash-broker.sh");
        await RunAsync("start-broker.sh");
    }

    private static Dictionary<string, string> Environment(string name, int portBase)
    {
        int pid = System.Environment.ProcessId;
        int blocks = Math.Min(1_000, (IPEndPoint.MaxPort + 1 - portBase) / 10);
        for (int attempt = 0; attempt < blocks; attempt++)
        {
            int port = portBase + (pid + attempt) % blocks * 10;
            if (Enumerable.Range(port, 10).All(IsFree))
            {
                string P(int offset) => (port + offset).ToString(CultureInfo.InvariantCulture);
                return new()
                {
                    // NOTE: the scripts stop brokers orphaned by killed runs under explain-test-broker*.
                    ["EXPLAIN_BROKER_DIR"] = Path.Combine(Path.GetTempPath(), $"explain-test-broker-{name}-{pid}"),
                    ["EXPLAIN_BROKER_OWNER_PID"] = pid.ToString(CultureInfo.InvariantCulture),
                    ["EXPLAIN_BROKER_PORT"] = P(0),
                    ["RABBITMQ_DIST_PORT"] = P(1),
                    ["ERL_EPMD_PORT"] = P(2),
                    ["RABBITMQ_CTL_DIST_PORT_MIN"] = P(3),
                    ["RABBITMQ_CTL_DIST_PORT_MAX"] = P(9),
                    ["RABBITMQ_NODENAME"] = $"explain-{name}-{pid}@localhost",
                };
            }
        }
        throw new InvalidOperationException($"No block of 10 free loopback ports in {portBase}-{portBase + blocks * 10 - 1} for the test broker.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private async Task<string> RunAsync(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (variable, value) in _environment)
            start.Environment[variable] = value;
        start.ArgumentList.Add(Path.Combine(_scriptDir, script));
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{script} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await stderr}{await stdout}");
        return await stdout;
    }
}
