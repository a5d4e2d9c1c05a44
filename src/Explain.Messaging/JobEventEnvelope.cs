namespace Explain.Messaging;

/// <summary>One event of a job; (JobId, Sequence) identifies it, so consumers drop redeliveries.</summary>
public sealed record JobEventEnvelope(string JobId, long Sequence, ReadOnlyMemory<byte> Body, IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>
    /// Where the event sits in its stream, set on every event a subscription or a read hands out
    /// (-1 on one being published): <see cref="IEventStream.ReadAsync"/> fetches it again by this
    /// number, so a reader may keep the number and drop the body.
    /// </summary>
    public long Offset { get; init; } = -1;
}
