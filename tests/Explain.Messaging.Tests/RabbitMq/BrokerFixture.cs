namespace Explain.Messaging.Tests.RabbitMq;

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

/// <summary>
/// A private RabbitMQ node for the whole test run, on loopback ports and a temp dir of its own:
/// started by broker/start-broker.sh before the first broker test, stopped (and its state deleted)
/// by broker/stop-broker.sh after the last; a run killed before that is cleaned up by the next start.
/// </summary>
public sealed class BrokerFixture : IAsyncLifetime
{
    private static readonly string ScriptDir = Path.Combine(AppContext.BaseDirectory, "broker");

    private readonly Dictionary<string, string> _environment = BrokerEnvironment();

    public Uri Uri { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var output = await RunAsync("start-broker.sh", []);
        Uri = new Uri(output.Trim().Split('\n')[^1]);
    }

    public Task DisposeAsync() => RunAsync("stop-broker.sh", []);

    /// <summary>rabbitmqctl against the test node, e.g. "stop_app".</summary>
    public Task CtlAsync(params string[] arguments) => RunAsync("ctl.sh", arguments);

    /// <summary>Options with queue names of their own, so tests never see each other's messages.</summary>
    public RabbitMqTransportOptions Options(int capacity = 1000, int deliveryLimit = 5)
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..8];
        return new RabbitMqTransportOptions
        {
            Uri = Uri,
            ClientName = prefix,
            JobQueue = prefix + ".jobs",
            DeadLetterExchange = prefix + ".dlx",
            DeadLetterQueue = prefix + ".jobs.dead",
            EventStream = prefix + ".events",
            ControlStream = prefix + ".control",
            Capacity = capacity,
            DeliveryLimit = deliveryLimit,
            ReconnectDelay = TimeSpan.FromMilliseconds(250),
        };
    }

    /// <summary>A state dir and a block of free loopback ports of this run's own.</summary>
    private static Dictionary<string, string> BrokerEnvironment()
    {
        var pid = Environment.ProcessId;
        for (var attempt = 0; attempt < 1_000; attempt++)
        {
            var port = 20_000 + (pid + attempt) % 1_000 * 10; // node, dist, epmd, then 7 for rabbitmqctl
            if (Enumerable.Range(port, 10).All(IsFree))
            {
                return new Dictionary<string, string>
                {
                    ["EXPLAIN_BROKER_DIR"] = Path.Combine(Path.GetTempPath(), $"explain-test-broker-{pid}"),
                    ["EXPLAIN_BROKER_OWNER_PID"] = pid.ToString(CultureInfo.InvariantCulture),
                    ["EXPLAIN_BROKER_PORT"] = port.ToString(CultureInfo.InvariantCulture),
                    ["RABBITMQ_DIST_PORT"] = (port + 1).ToString(CultureInfo.InvariantCulture),
                    ["ERL_EPMD_PORT"] = (port + 2).ToString(CultureInfo.InvariantCulture),
                    ["RABBITMQ_CTL_DIST_PORT_MIN"] = (port + 3).ToString(CultureInfo.InvariantCulture),
                    ["RABBITMQ_CTL_DIST_PORT_MAX"] = (port + 9).ToString(CultureInfo.InvariantCulture),
                    ["RABBITMQ_NODENAME"] = $"explain-test-{pid}@localhost",
                };
            }
        }
        throw new InvalidOperationException("No block of 10 free loopback ports in 20000-29999 for the test broker.");
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

    private async Task<string> RunAsync(string script, string[] arguments)
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
