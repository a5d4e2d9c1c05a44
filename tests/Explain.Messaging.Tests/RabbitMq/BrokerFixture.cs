namespace Explain.Messaging.Tests.RabbitMq;

using Explain.Testing;

/// <summary>
/// A private RabbitMQ node for the whole test run, on loopback ports and a temp dir of its own:
/// started by broker/start-broker.sh before the first broker test, stopped (and its state deleted)
/// by broker/stop-broker.sh after the last; a run killed before that is cleaned up by the next start.
/// </summary>
public sealed class BrokerFixture : IAsyncLifetime
{
    private readonly PrivateBroker _broker = new(Path.Combine(AppContext.BaseDirectory, "broker"), "messaging", 20_000);

    public Uri Uri { get; private set; } = null!;

    public async Task InitializeAsync() => Uri = await _broker.StartAsync();

    public Task DisposeAsync() => _broker.StopAsync();

    /// <summary>rabbitmqctl against the test node, e.g. "stop_app".</summary>
    public Task CtlAsync(params string[] arguments) => _broker.CtlAsync(arguments);

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
}
