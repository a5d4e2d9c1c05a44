using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Explain.Jobs.Tests.Broker;

/// <summary>
/// A private RabbitMQ node for the broker tests, started and stopped with the messaging tests'
/// scripts (tests/Explain.Messaging.Tests/broker), on loopback ports and a temp dir of its own.
/// </summary>
public sealed class BrokerFixture : IAsyncLifetime
{
    private static readonly string ScriptDir = Path.Combine(Support.RepoPaths.Root, "tests", "Explain.Messaging.Tests", "broker");

    private readonly Dictionary<string, string> _environment = BrokerEnvironment();

    public Uri Uri { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var output = await RunAsync("start-broker.sh");
        Uri = new Uri(output.Trim().Split('\n')[^1]);
    }

    public Task DisposeAsync() => RunAsync("stop-broker.sh");

    /// <summary>SIGKILL to the node (a crash, state left on disk), then the node started again on the same dir and ports.</summary>
    public async Task CrashAndRestartAsync()
    {
        await RunAsync("crash-broker.sh");
        await RunAsync("start-broker.sh");
    }

    /// <summary>rabbitmqctl against the test node, e.g. "stop_app".</summary>
    public Task<string> CtlAsync(params string[] arguments) => RunAsync("ctl.sh", arguments);

    private static Dictionary<string, string> BrokerEnvironment()
    {
        int pid = Environment.ProcessId;
        for (int attempt = 0; attempt < 1_000; attempt++)
        {
            int port = 30_000 + (pid + attempt) % 1_000 * 10; // node, dist, epmd, then 7 for rabbitmqctl
            if (Enumerable.Range(port, 10).All(IsFree))
            {
                string P(int offset) => (port + offset).ToString(CultureInfo.InvariantCulture);
                return new()
                {
                    ["EXPLAIN_BROKER_DIR"] = Path.Combine(Path.GetTempPath(), $"explain-test-broker-jobs-{pid}"),
                    ["EXPLAIN_BROKER_OWNER_PID"] = pid.ToString(CultureInfo.InvariantCulture),
                    ["EXPLAIN_BROKER_PORT"] = P(0),
                    ["RABBITMQ_DIST_PORT"] = P(1),
                    ["ERL_EPMD_PORT"] = P(2),
                    ["RABBITMQ_CTL_DIST_PORT_MIN"] = P(3),
                    ["RABBITMQ_CTL_DIST_PORT_MAX"] = P(9),
                    ["RABBITMQ_NODENAME"] = $"explain-jobs-test-{pid}@localhost",
                };
            }
        }
        throw new InvalidOperationException("no block of 10 free loopback ports in 30000-39999 for the test broker");
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
        foreach (var (name, value) in _environment)
            start.Environment[name] = value;
        start.ArgumentList.Add(Path.Combine(ScriptDir, script));
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
