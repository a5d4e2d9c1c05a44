namespace Explain.Messaging;

/// <summary>
/// The embedded transport of `explain serve`: a bounded job queue with competing consumers,
/// manual ack, redelivery and a dead-letter list, and replayable event logs bounded by retention. Process-local.
/// </summary>
public sealed class InMemoryTransport : IMessageTransport
{
    private volatile bool _closed;

    public InMemoryTransport(InMemoryTransportOptions? options = null)
    {
        options ??= new InMemoryTransportOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.DeliveryLimit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBytes, 1);
        Jobs = new InMemoryJobQueue(options.Capacity, options.MaxBytes, options.DeliveryLimit, new InMemoryJobQueue(int.MaxValue, long.MaxValue, int.MaxValue, deadLetterQueue: null));
        Events = new InMemoryEventStream(options.EventRetention, options.Time);
        Control = new InMemoryEventStream(options.EventRetention, options.Time);
    }

    public InMemoryJobQueue Jobs { get; }

    public InMemoryEventStream Events { get; }

    public InMemoryEventStream Control { get; }

    IJobQueue IMessageTransport.Jobs => Jobs;

    IEventStream IMessageTransport.Events => Events;

    IEventStream IMessageTransport.Control => Control;

    /// <summary>True until disposed: nothing stands between the components.</summary>
    public bool IsConnected => !_closed;

    /// <summary>Ends every consumer and subscriber enumeration; un-acked jobs go back to the queue.</summary>
    public ValueTask DisposeAsync()
    {
        _closed = true;
        Jobs.Close();
        Events.Close();
        Control.Close();
        return ValueTask.CompletedTask;
    }
}
