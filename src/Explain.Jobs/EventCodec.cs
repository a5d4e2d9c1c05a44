using Explain.Internal.V1;
using Explain.Messaging;
using Explain.V1;
using Google.Protobuf;

namespace Explain.Jobs;

/// <summary>Job events and cancel requests to and from the events stream's envelopes.</summary>
public static class EventCodec
{
    private static readonly IReadOnlyDictionary<string, string> NoHeaders = new Dictionary<string, string>();

    public static long NowUnixMs() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public static JobEventEnvelope Event(JobEvent jobEvent, long sequence, IdempotencyClaim? idempotency = null, string tenant = "")
    {
        jobEvent.Sequence = sequence;
        if (jobEvent.TimeUnixMs == 0)
            jobEvent.TimeUnixMs = NowUnixMs();
        return new(jobEvent.JobId, sequence, new EventMessage { Event = jobEvent, Idempotency = idempotency, Tenant = tenant }.ToByteArray(), NoHeaders);
    }

    /// <summary>The control stream's marker that a job has its terminal event.</summary>
    public static JobEventEnvelope JobEnded(string jobId) =>
        new(jobId, EventSequences.Terminal, new EventMessage { JobEnded = new JobEnded { JobId = jobId } }.ToByteArray(), NoHeaders);

    public static JobEventEnvelope CancelRequest(string jobId) =>
        new(jobId, EventSequences.CancelRequest, new EventMessage { CancelRequested = new CancelRequested { JobId = jobId, TimeUnixMs = NowUnixMs() } }.ToByteArray(), NoHeaders);

    public static EventMessage Parse(JobEventEnvelope envelope) => EventMessage.Parser.ParseFrom(envelope.Body.Span);

    public static JobEvent Failed(string jobId, ErrorKind code, string message) =>
        new() { JobId = jobId, Failed = new Failed { Status = new ErrorStatus { Code = (int)code, Message = message } } };

    public static JobEvent Cancelled(string jobId, string reason) =>
        new() { JobId = jobId, Cancelled = new Cancelled { Reason = reason } };
}
