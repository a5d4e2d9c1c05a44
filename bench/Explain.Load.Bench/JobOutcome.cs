namespace Explain.Load.Bench;

/// <summary>One submitted job as the bench saw it: its tenant, how its Watch stream(s) ended, its final state.</summary>
/// <param name="Mix">The kind of request from the bench's mix (small, medium, large, cancelled).</param>
/// <param name="Kind">The last event's kind (Completed, Failed, Cancelled).</param>
internal sealed record JobOutcome(string Tenant, string JobId, string Mix, string Kind, string Ending, bool Abandoned, double Seconds);
