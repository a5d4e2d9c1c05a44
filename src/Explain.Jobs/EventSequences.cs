namespace Explain.Jobs;

/// <summary>
/// Sequence numbers of events on the internal stream, the key (with the job id) by which results
/// drops redeliveries. Ingestion's QUEUED is 1; a worker numbers its non-terminal events 2, 3, …
/// in a deterministic order, so a re-run after a crash repeats the same numbers and its duplicates
/// are dropped. Every terminal event has the one number <see cref="Terminal"/>: whichever attempt
/// (or cancel, or deadline) ends the job first wins and later ones are dropped, so each job has
/// exactly one terminal event. Clients never see these numbers: results renumbers 1, 2, 3, ….
/// </summary>
public static class EventSequences
{
    public const long CancelRequest = 0;

    public const long Queued = 1;

    public const long FirstWorkerEvent = 2;

    public const long Terminal = 1L << 40;

    /// <summary>Every PROGRESS event: transient, never deduplicated, only the latest one kept (Results/JobRecord).</summary>
    public const long Progress = -1;
}
