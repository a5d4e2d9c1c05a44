using Explain.Testing;

namespace Explain.Jobs.Tests.Broker;

/// <summary>
/// A private RabbitMQ node for the broker tests, started and stopped with the messaging tests'
/// scripts (tests/Explain.Messaging.Tests/broker), on loopback ports and a temp dir of its own.
/// </summary>
public sealed class BrokerFixture : IAsyncLifetime
{
    private readonly PrivateBroker _broker = new(Path.Combine(Support.RepoPaths.Root, "tests", "Explain.Messaging.Tests", "broker"), "jobs", 10_000);

    public Uri Uri { get; private set; } = null!;

    public async Task InitializeAsync() => Uri = await _broker.StartAsync();

    public Task DisposeAsync() => _broker.StopAsync();

    /// <summary>SIGKILL to the node (a crash, state left on disk), then the node started again on the same dir and ports.</summary>
    public Task CrashAndRestartAsync() => _broker.CrashAndRestartAsync();

    /// <summary>rabbitmqctl against the test node, e.g. "stop_app"; its standard output.</summary>
    public Task<string> CtlAsync(params string[] arguments) => _broker.CtlAsync(arguments);
}
