using System.Collections.Concurrent;
using System.Diagnostics;
using Explain.Client;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Explain.Jobs.Tests.Support;
using Explain.V1;

namespace Explain.Jobs.Tests.Tracing;

/// <summary>A caller's trace continues through ingestion, the queue and the worker, down to each stage.</summary>
public sealed class JobTracingTests(ServeFixture server) : IClassFixture<ServeFixture>, IDisposable
{
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ActivityListener _listener = new()
    {
        // "Microsoft.AspNetCore": the server span of each request (grpc-dotnet runs on ASP.NET Core hosting).
        ShouldListenTo = source => source.Name.StartsWith("Explain.", StringComparison.Ordinal) || source.Name == "Microsoft.AspNetCore",
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
        using var channel = GrpcChannel.ForAddress(server.Host.Address, ExplainChannelConfig.ChannelOptions());
        var client = new ExplainClient(channel.Intercept(new TraceParentInterceptor($"00-{traceId.ToHexString()}-{callerSpan.ToHexString()}-01")));

        var ticket = await client.SubmitAsync(Requests.Image("both.png", RepoPaths.SmallModel, "gradcam"));
        var events = await server.Client.WatchAllAsync(ticket.JobId);
        await WaitForAsync(() => _spans.Any(s => s.OperationName == "explain.jobs process" && s.TraceId == traceId));

        var mine = _spans.Where(s => s.TraceId == traceId).ToList();
        var submit = Assert.Single(mine, s => s.Kind == ActivityKind.Server && s.ParentSpanId == callerSpan);
        var job = Assert.Single(mine, s => s.OperationName == "explain.jobs process");
        var stages = mine.Where(s => s.ParentSpanId == job.SpanId).ToDictionary(s => s.OperationName);

        Assert.Equal(JobEvent.KindOneofCase.Completed, events[^1].KindCase);
        Assert.Equal((ActivityKind.Server, callerSpan), (submit.Kind, submit.ParentSpanId));
        Assert.True(submit.DisplayName.Contains("explain.v1.Explainer/Submit", StringComparison.Ordinal), submit.DisplayName + " | " + string.Join(", ", submit.TagObjects.Select(t => $"{t.Key}={t.Value}")));
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

    private sealed class TraceParentInterceptor(string traceParent) : Interceptor
    {
        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
        {
            var headers = new Metadata();
            foreach (var entry in context.Options.Headers ?? new Metadata())
                headers.Add(entry);
            headers.Add("traceparent", traceParent);
            return continuation(request, new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, context.Options.WithHeaders(headers)));
        }
    }
}
