using System.Collections.Concurrent;
using System.Diagnostics;
using Explain.Client;
using Explain.Grpc;
using Explain.Grpc.Client;
using Explain.Jobs.Tests.Support;
using Explain.V1;

namespace Explain.Jobs.Tests.Tracing;

/// <summary>A caller's trace continues through ingestion, the queue and the worker, down to each stage.</summary>
public sealed class JobTracingTests(ServeFixture server) : IClassFixture<ServeFixture>, IDisposable
{
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ActivityListener _listener = new()
    {
        ShouldListenTo = source => source.Name.StartsWith("Explain.", StringComparison.Ordinal),
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
    };

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task Submit_WithTraceparent_WorkerAndStageSpansJoinTheCallersTrace()
    {
        _listener.ActivityStopped = _spans.Enqueue;
        ActivitySource.AddActivityListener(_listener);
        var traceId = ActivityTraceId.CreateRandom();
        var callerSpan = ActivitySpanId.CreateRandom();
        using var channel = GrpcChannel.ForAddress(server.Host.Address, new GrpcChannelOptions { MaxReceiveMessageSize = 64 << 20 });
        channel.Options.Interceptors.Add(new TraceParentInterceptor($"00-{traceId.ToHexString()}-{callerSpan.ToHexString()}-01"));
        var client = new ExplainClient(channel);

        var ticket = await client.SubmitAsync(Requests.Image("both.png", RepoPaths.SmallModel, "gradcam"));
        var events = await server.Client.WatchAllAsync(ticket.JobId);
        await WaitForAsync(() => _spans.Any(s => s.OperationName == "explain.jobs process" && s.TraceId == traceId));

        var mine = _spans.Where(s => s.TraceId == traceId).ToList();
        var submit = Assert.Single(mine, s => s.OperationName == "explain.v1.Explainer/Submit");
        var job = Assert.Single(mine, s => s.OperationName == "explain.jobs process");
        var stages = mine.Where(s => s.ParentSpanId == job.SpanId).ToDictionary(s => s.OperationName);

        Assert.Equal(JobEvent.KindOneofCase.Completed, events[^1].KindCase);
        Assert.Equal((ActivityKind.Server, callerSpan), (submit.Kind, submit.ParentSpanId));
        Assert.Equal(0, submit.GetTagItem("rpc.grpc.status_code"));
        Assert.Equal((ActivityKind.Consumer, submit.SpanId), (job.Kind, job.ParentSpanId));
        Assert.Equal(ticket.JobId, job.GetTagItem("explain.job_id"));
        Assert.Equal("completed", job.GetTagItem("explain.outcome"));
        foreach (var stage in new[] { "decode_preprocess", "forward", "backward", "gradcam", "render" })
            Assert.True(stages.ContainsKey(stage), $"no '{stage}' span under the job span; got {string.Join(", ", stages.Keys)}");
        Assert.True(stages["decode_preprocess"].StartTimeUtc <= stages["forward"].StartTimeUtc);
        Assert.All(stages.Values, s => Assert.True(s.StartTimeUtc >= job.StartTimeUtc.AddMilliseconds(-1) && s.Duration >= TimeSpan.Zero));
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
            await Task.Delay(20, timeout.Token);
    }

    private sealed class TraceParentInterceptor(string traceParent) : ClientInterceptor
    {
        public override CallOptions OnCallStarting(string method, MethodType type, CallOptions options)
        {
            var headers = new Metadata();
            foreach (var entry in options.Headers ?? new Metadata())
                headers.Add(entry);
            headers.Add(new MetadataEntry("traceparent", traceParent));
            return options with { Headers = headers };
        }
    }
}
