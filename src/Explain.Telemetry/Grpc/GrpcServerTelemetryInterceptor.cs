using System.Diagnostics;
using System.Diagnostics.Metrics;
using Explain.Grpc;
using Explain.Grpc.Server;
using Explain.Telemetry.Propagation;
using Google.Protobuf;

namespace Explain.Telemetry.Grpc;

/// <summary>
/// Counts server calls and times them by method and final status, in the spirit of OTel's
/// rpc.server.duration, exported as <c>explain_grpc_server_requests_total{method,status}</c> and
/// <c>explain_grpc_server_duration_seconds{method,status}</c>; and traces each call as a server
/// span of source <see cref="SourceName"/>, child of the caller's W3C <c>traceparent</c> header when
/// it sends one, so the job's spans downstream (the worker's) join the caller's trace. Add it
/// outermost so it times the other interceptors too. Calls the runtime answers itself (unknown
/// method, bad content-type) never reach interceptors and are not counted.
/// </summary>
public sealed class GrpcServerTelemetryInterceptor : ServerInterceptor
{
    public const string MeterName = "Explain.Grpc";

    public const string SourceName = "Explain.Grpc";

    private static readonly ActivitySource Source = new(SourceName);

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;

    public GrpcServerTelemetryInterceptor(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>("explain.grpc.server.requests", "{request}",
            "gRPC calls the server finished, by method and status.");
        _duration = meter.CreateHistogram("explain.grpc.server.duration", "s",
            "Time from the call reaching the handler pipeline to its end, by method and status.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = TelemetryBuckets.Seconds });
    }

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var start = Stopwatch.GetTimestamp();
        using var span = StartSpan(context);
        try
        {
            var response = await continuation(request, context).ConfigureAwait(false);
            Record(context, start, null, span);
            return response;
        }
        catch (Exception ex)
        {
            Record(context, start, ex, span);
            throw;
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var start = Stopwatch.GetTimestamp();
        using var span = StartSpan(context);
        try
        {
            var response = await continuation(requestStream, context).ConfigureAwait(false);
            Record(context, start, null, span);
            return response;
        }
        catch (Exception ex)
        {
            Record(context, start, ex, span);
            throw;
        }
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IAsyncStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        TimeAsync(context, () => continuation(request, responseStream, context));

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IAsyncStreamWriter<TResponse> responseStream,
        ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        TimeAsync(context, () => continuation(requestStream, responseStream, context));

    private async Task TimeAsync(ServerCallContext context, Func<Task> call)
    {
        var start = Stopwatch.GetTimestamp();
        using var span = StartSpan(context);
        try
        {
            await call().ConfigureAwait(false);
            Record(context, start, null, span);
        }
        catch (Exception ex)
        {
            Record(context, start, ex, span);
            throw;
        }
    }

    private void Record(ServerCallContext context, long start, Exception? exception, Activity? span)
    {
        var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var status = StatusOf(context, exception);
        var tags = new TagList
        {
            { "method", context.Method.TrimStart('/') },
            { "status", GrpcStatusNames.Of(status) },
        };
        _requests.Add(1, tags);
        _duration.Record(elapsed, tags);
        if (span is not null)
        {
            span.SetTag("rpc.grpc.status_code", (int)status);
            if (status != StatusCode.OK)
                span.SetStatus(ActivityStatusCode.Error, GrpcStatusNames.Of(status));
        }
    }

    /// <summary>A server span named after the method (OTel RPC conventions), parented on the caller's traceparent.</summary>
    private static Activity? StartSpan(ServerCallContext context)
    {
        if (!Source.HasListeners())
            return null;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in new[] { TraceContextPropagation.TraceParentHeader, TraceContextPropagation.TraceStateHeader })
        {
            if (context.RequestHeaders.GetValue(name) is { } value)
                headers[name] = value;
        }
        string method = context.Method.TrimStart('/');
        var span = TraceContextPropagation.TryExtract(headers, out var parent)
            ? Source.StartActivity(method, ActivityKind.Server, parent)
            : Source.StartActivity(method, ActivityKind.Server);
        if (span is not null)
        {
            int slash = method.IndexOf('/', StringComparison.Ordinal);
            span.SetTag("rpc.system", "grpc");
            span.SetTag("rpc.service", slash > 0 ? method[..slash] : method);
            span.SetTag("rpc.method", slash > 0 ? method[(slash + 1)..] : "");
        }
        return span;
    }

    /// <summary>
    /// The status the runtime sends, mirroring ServerCallHandler's mapping. The call token fires for
    /// exactly two reasons: the client reset the stream (RequestAborted) or the server's deadline
    /// timer. The timer may fire a few ms before the wall clock reaches <see cref="ServerCallContext.Deadline"/>,
    /// so a cancelled call the client did not abort counts as DEADLINE_EXCEEDED.
    /// </summary>
    private static StatusCode StatusOf(ServerCallContext context, Exception? exception)
    {
        var deadlinePassed = context.Deadline != DateTime.MaxValue
            && ((context.CancellationToken.IsCancellationRequested && !context.HttpContext.RequestAborted.IsCancellationRequested)
                || context.Deadline <= DateTime.UtcNow);
        return exception switch
        {
            null => deadlinePassed ? StatusCode.DeadlineExceeded : context.Status.StatusCode,
            RpcException rpc => rpc.StatusCode,
            _ when deadlinePassed => StatusCode.DeadlineExceeded,
            OperationCanceledException when context.CancellationToken.IsCancellationRequested => StatusCode.Cancelled,
            _ => StatusCode.Unknown,
        };
    }
}
