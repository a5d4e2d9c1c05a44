using Explain.V1;

namespace Explain.Api;

/// <summary>What a job's event stream means: shared by the services and the clients.</summary>
public static class JobEvents
{
    /// <summary>The terminal events: after one of them a job's stream ends.</summary>
    public static bool IsTerminal(JobEvent e) => e.KindCase is JobEvent.KindOneofCase.Completed or JobEvent.KindOneofCase.Failed or JobEvent.KindOneofCase.Cancelled;

    /// <summary>The state a job is in once this event happened.</summary>
    public static JobState StateAfter(JobEvent e) => e.KindCase switch
    {
        JobEvent.KindOneofCase.Queued => JobState.Queued,
        JobEvent.KindOneofCase.Completed => JobState.Completed,
        JobEvent.KindOneofCase.Failed => JobState.Failed,
        JobEvent.KindOneofCase.Cancelled => JobState.Cancelled,
        JobEvent.KindOneofCase.None => JobState.Unspecified,
        _ => JobState.Running,
    };
}
