namespace Explain.Messaging;

/// <summary>
/// The broker transport: jobs on a quorum queue, events and control messages on two streams, one recovering connection.
/// <see cref="ConnectAsync"/> waits for the broker when it is not up yet.
/// </summary>
public sealed class RabbitMqTransport : IMessageTransport
{
    private readonly BrokerConnection _broker;

    private RabbitMqTransport(BrokerConnection broker, RabbitMqTransportOptions options, MessagingMetrics metrics)
    {
        _broker = broker;
        Metrics = metrics;
        Jobs = new RabbitMqJobQueue(broker, options);
        Events = new RabbitMqEventStream(broker, options, options.EventStream);
        Control = new RabbitMqEventStream(broker, options, options.ControlStream);
    }

    public RabbitMqJobQueue Jobs { get; }

    public RabbitMqEventStream Events { get; }

    public RabbitMqEventStream Control { get; }

    /// <summary>Counts reconnects (explain.broker.reconnects).</summary>
    public MessagingMetrics Metrics { get; }

    /// <summary>False while the connection is lost and being recovered.</summary>
    public bool IsConnected => _broker.IsOpen;

    IJobQueue IMessageTransport.Jobs => Jobs;

    IEventStream IMessageTransport.Events => Events;

    IEventStream IMessageTransport.Control => Control;

    /// <summary>Connects (retrying every <see cref="RabbitMqTransportOptions.ReconnectDelay"/> while the broker is unreachable) and declares the queues.</summary>
    public static async Task<RabbitMqTransport> ConnectAsync(RabbitMqTransportOptions options, MessagingMetrics? metrics = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.DeliveryLimit, 1);
        metrics ??= new MessagingMetrics();
        var broker = await BrokerConnection.ConnectAsync(options, metrics, cancellationToken).ConfigureAwait(false);
        try
        {
            await RabbitMqTopology.DeclareAsync(broker.Connection, options, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await broker.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return new RabbitMqTransport(broker, options, metrics);
    }

    public async ValueTask DisposeAsync()
    {
        await Jobs.DisposeAsync().ConfigureAwait(false);
        await Events.DisposeAsync().ConfigureAwait(false);
        await Control.DisposeAsync().ConfigureAwait(false);
        await _broker.DisposeAsync().ConfigureAwait(false);
    }
}
