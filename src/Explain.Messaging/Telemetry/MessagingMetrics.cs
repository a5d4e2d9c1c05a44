namespace Explain.Messaging;

using System.Diagnostics.Metrics;

/// <summary>Meters of the messaging layer (Meter "Explain.Messaging").</summary>
public sealed class MessagingMetrics
{
    public const string MeterName = "Explain.Messaging";

    private readonly Counter<long> _reconnects;
    private long _reconnectCount;

    /// <param name="meterFactory">The host's factory; null makes a standalone meter (tests, CLI).</param>
    public MessagingMetrics(IMeterFactory? meterFactory = null)
    {
        var meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _reconnects = meter.CreateCounter<long>("explain.broker.reconnects", unit: "{reconnect}",
            description: "Connections to the broker re-established after they were lost.");
    }

    /// <summary>Reconnects counted by this instance.</summary>
    public long Reconnects => Interlocked.Read(ref _reconnectCount);

    /// <summary>Raised after each reconnect, with the new total.</summary>
    public event Action<long>? Reconnected;

    internal void RecordReconnect()
    {
        var total = Interlocked.Increment(ref _reconnectCount);
        _reconnects.Add(1);
        Reconnected?.Invoke(total);
    }
}
