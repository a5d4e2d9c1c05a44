namespace Explain.Messaging;

/// <summary>The job queue is at its length limit and rejected a publish (maps to RESOURCE_EXHAUSTED).</summary>
public sealed class QueueFullException(string message) : Exception(message);
