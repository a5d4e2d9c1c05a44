namespace Explain.Messaging;

/// <summary>A job waiting in the in-memory queue and how many of its deliveries already failed.</summary>
internal sealed record QueuedJob(JobEnvelope Job, int FailedDeliveries);
