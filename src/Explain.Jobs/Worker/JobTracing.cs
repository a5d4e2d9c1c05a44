using System.Diagnostics;
using Explain.Messaging;
using Explain.V1;

namespace Explain.Jobs.Worker;

/// <summary>
/// A job's spans in the worker: "explain.jobs process" (consumer span, child of the context the
/// ingestion call put in the job's headers, so it joins the caller's trace) and one span per stage
/// of the computation (decode_preprocess, forward, backward, each method, render), laid end to end
/// from the stage timings. Nothing is recorded unless a tracer listens (OTLP configured).
/// </summary>
public static class JobTracing
{
    public const string SourceName = "Explain.Jobs";

    private static readonly ActivitySource Source = new(SourceName);

    public static Activity? StartJob(JobDelivery delivery)
    {
        var span = TraceContext.StartConsumerActivity("explain.jobs process", delivery.Job.Headers);
        span?.SetTag("messaging.system", "rabbitmq");
        span?.SetTag("explain.job_id", delivery.Job.JobId);
        span?.SetTag("explain.delivery_count", delivery.DeliveryCount);
        return span;
    }

    /// <summary>Tags how the job ended; anything but COMPLETED marks the span as an error.</summary>
    public static void End(Activity? span, JobEvent ending)
    {
        if (span is null)
            return;
        span.SetTag("explain.outcome", ending.KindCase.ToString().ToLowerInvariant());
        if (ending.KindCase == JobEvent.KindOneofCase.Failed)
            span.SetStatus(ActivityStatusCode.Error, ending.Failed.Status.Message);
    }

    /// <summary>Child spans of the current span, one per stage, the first starting at <paramref name="start"/>.</summary>
    public static void Stages(DateTime start, IEnumerable<KeyValuePair<string, double>> stages)
    {
        if (Activity.Current is not { } parent || !Source.HasListeners())
            return;
        var at = start;
        foreach (var (stage, ms) in stages)
        {
            var end = at + TimeSpan.FromMilliseconds(ms);
            using var span = Source.StartActivity(stage, ActivityKind.Internal, parent.Context, startTime: at);
            span?.SetEndTime(end);
            at = end;
        }
    }
}
