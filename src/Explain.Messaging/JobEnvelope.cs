namespace Explain.Messaging;

/// <summary>A job on the wire: its id, serialized request, headers (trace context) and deadline.</summary>
public sealed record JobEnvelope(string JobId, ReadOnlyMemory<byte> Body, IReadOnlyDictionary<string, string> Headers, DateTimeOffset? Deadline);
