using Explain.V1;

namespace Explain.Jobs.Results;

/// <summary>
/// One of a job's events as the index keeps it: small events whole, heavy ones (heatmaps with
/// their maps and overlays) only as the stream offset they can be read again from.
/// </summary>
/// <param name="Sequence">The public sequence (1, 2, 3, … within the job).</param>
/// <param name="Event">The event, renumbered; null when only its offset is kept.</param>
/// <param name="Offset">Where the event is in the events stream (-1: not known, so it is kept whole).</param>
/// <param name="Bytes">Its body's size on the stream.</param>
public readonly record struct StoredEvent(long Sequence, JobEvent? Event, long Offset, int Bytes)
{
    public bool IsReference => Event is null;
}
