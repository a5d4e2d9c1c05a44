namespace Explain.Messaging;

using System.Text;
using RabbitMQ.Client;

/// <summary>Envelopes ↔ AMQP properties: ids, deadline, sequence and string headers (trace context).</summary>
internal static class AmqpMessages
{
    private const string DeadlineHeader = "explain-deadline-ms";
    private const string SequenceHeader = "explain-seq";
    private const string DeliveryCountHeader = "x-delivery-count";
    private const string StreamOffsetHeader = "x-stream-offset";

    public static BasicProperties ToProperties(JobEnvelope job)
    {
        var headers = ToAmqpHeaders(TraceContext.Inject(job.Headers));
        if (job.Deadline is { } deadline)
            headers[DeadlineHeader] = deadline.ToUnixTimeMilliseconds();
        return new BasicProperties { Persistent = true, MessageId = job.JobId, Headers = headers };
    }

    public static BasicProperties ToProperties(JobEventEnvelope jobEvent)
    {
        var headers = ToAmqpHeaders(TraceContext.Inject(jobEvent.Headers));
        headers[SequenceHeader] = jobEvent.Sequence;
        return new BasicProperties { Persistent = true, MessageId = jobEvent.JobId, Headers = headers };
    }

    public static JobEnvelope ToJob(IReadOnlyBasicProperties properties, ReadOnlyMemory<byte> body)
    {
        var raw = properties.Headers;
        DateTimeOffset? deadline = raw?.TryGetValue(DeadlineHeader, out var ms) == true && ms is not null
            ? DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(ms, System.Globalization.CultureInfo.InvariantCulture))
            : null;
        return new JobEnvelope(properties.MessageId ?? "", body.ToArray(), FromAmqpHeaders(raw), deadline);
    }

    public static JobEventEnvelope ToEvent(IReadOnlyBasicProperties properties, ReadOnlyMemory<byte> body) =>
        new(properties.MessageId ?? "", Sequence(properties), body.ToArray(), FromAmqpHeaders(properties.Headers));

    public static long Sequence(IReadOnlyBasicProperties properties) => ReadLong(properties.Headers, SequenceHeader) ?? 0;

    /// <summary>1 on first delivery: quorum queues count earlier failed deliveries in x-delivery-count.</summary>
    public static int DeliveryCount(IReadOnlyBasicProperties properties) =>
        (int)(ReadLong(properties.Headers, DeliveryCountHeader) ?? 0) + 1;

    public static long StreamOffset(IReadOnlyBasicProperties properties) =>
        ReadLong(properties.Headers, StreamOffsetHeader) ?? throw new InvalidOperationException("A stream delivery without x-stream-offset.");

    private static Dictionary<string, object?> ToAmqpHeaders(IReadOnlyDictionary<string, string> headers)
    {
        var result = new Dictionary<string, object?>(headers.Count + 2);
        foreach (var (name, value) in headers)
            result[name] = Encoding.UTF8.GetBytes(value);
        return result;
    }

    /// <summary>The application's string headers; broker (x-…) and transport (explain-…) headers stay out.</summary>
    private static Dictionary<string, string> FromAmqpHeaders(IDictionary<string, object?>? headers)
    {
        var result = new Dictionary<string, string>();
        if (headers is null)
            return result;
        foreach (var (name, value) in headers)
        {
            if (value is byte[] bytes && !name.StartsWith("x-", StringComparison.Ordinal) && !name.StartsWith("explain-", StringComparison.Ordinal))
                result[name] = Encoding.UTF8.GetString(bytes);
        }
        return result;
    }

    private static long? ReadLong(IDictionary<string, object?>? headers, string name) =>
        headers?.TryGetValue(name, out var value) == true && value is not null
            ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)
            : null;
}
