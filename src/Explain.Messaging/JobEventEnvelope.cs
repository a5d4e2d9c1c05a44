namespace Explain.Messaging;

/// <summary>One event of a job; (JobId, Sequence) identifies it, so consumers drop redeliveries.</summary>
public sealed record JobEventEnvelope(string JobId, long Sequence, ReadOnlyMemory<byte> Body, IReadOnlyDictionary<string, string> Headers);
