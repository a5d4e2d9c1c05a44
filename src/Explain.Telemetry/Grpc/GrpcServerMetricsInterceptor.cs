using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Explain.Telemetry.Grpc;

/// <summary>
/// Counts server calls and times them by method and final gRPC status, exported as
/// <c>explain_grpc_server_requests_total{method,status}</c> and
/// <c>explain_grpc_server_duration_seconds{method,status}</c>: the series our dashboard and alert
/// rules read. ASP.NET Core's own http.server.request.duration has the route but not the gRPC
/// status (a failed call is HTTP 200), so this part is ours; the server span is ASP.NET Core's
/// (it continues the caller's traceparent), tagged here with the gRPC status. Registered first, it times the other interceptors too. Calls grpc-dotnet
/// answers itself (unknown method, bad content-type) never reach interceptors and are not counted.
/// </summary>
public sealed class GrpcServerMetricsInterceptor : Interceptor
{
    public const string MeterName = "Explain.Grpc";

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;

    public GrpcServerMetricsInterceptor(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>("explain.grpc.server.requests", "{request}",
            "gRPC calls the server finished, by method and status.");
        _duration = meter.CreateHistogram("explain.grpc.server.duration", "s",
            "Time from the call reaching the interceptors to its end, by method and status.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = TelemetryBuckets.Seconds });
    }

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            var response = await continuation(request, context).ConfigureAwait(false);
            Record(context, start, null);
            return response;
        }
        catch (Exception ex)
        {
            Record(context, start, ex);
            throw;
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            var response = await continuation(requestStream, context).ConfigureAwait(false);
            Record(context, start, null);
            return response;
        }
        catch (Exception ex)
        {
            Record(context, start, ex);
            throw;
        }
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        TimeAsync(context, () => continuation(request, responseStream, context));

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        TimeAsync(context, () => continuation(requestStream, responseStream, context));

    private async Task TimeAsync(ServerCallContext context, Func<Task> call)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            await call().ConfigureAwait(false);
            Record(context, start, null);
        }
        catch (Exception ex)
        {
            Record(context, start, ex);
            throw;
        }
    }

    private void Record(ServerCallContext context, long start, Exception? exception)
    {
        var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var status = StatusOf(context, exception);
        string method = context.Method.TrimStart('/');
        var tags = new TagList
        {
            { "method", method },
            { "status", GrpcStatusNames.Of(status) },
        };
        _requests.Add(1, tags);
        _duration.Record(elapsed, tags);
        TagSpan(Activity.Current, method, status);
    }

    /// <summary>
    /// OTel RPC conventions on ASP.NET Core's server span (its instrumentation adds them only behind an
    /// experimental switch): rpc.system, rpc.service, rpc.method and the final rpc.grpc.status_code.
    /// </summary>
    private static void TagSpan(Activity? span, string method, StatusCode status)
    {
        if (span is null || span.Kind != ActivityKind.Server)
            return;
        int slash = method.IndexOf('/', StringComparison.Ordinal);
        span.SetTag("rpc.system", "grpc");
        span.SetTag("rpc.service", slash > 0 ? method[..slash] : method);
        span.SetTag("rpc.method", slash > 0 ? method[(slash + 1)..] : "");
        span.SetTag("rpc.grpc.status_code", (int)status);
        if (status != StatusCode.OK)
            span.SetStatus(ActivityStatusCode.Error, GrpcStatusNames.Of(status));
    }

    /// <summary>
    /// The status grpc-dotnet sends: an RpcException's code; a handler failing after the call's
    /// deadline or cancellation is DEADLINE_EXCEEDED or CANCELLED (as grpc-dotnet reports it);
    /// anything else UNKNOWN.
    /// </summary>
    private static StatusCode StatusOf(ServerCallContext context, Exception? exception)
    {
        bool deadlinePassed = context.Deadline != DateTime.MaxValue && context.Deadline <= DateTime.UtcNow;
        return exception switch
        {
            null => deadlinePassed && context.CancellationToken.IsCancellationRequested ? StatusCode.DeadlineExceeded : context.Status.StatusCode,
            RpcException rpc => rpc.StatusCode,
            _ when deadlinePassed => StatusCode.DeadlineExceeded,
            OperationCanceledException when context.CancellationToken.IsCancellationRequested => StatusCode.Cancelled,
            _ => StatusCode.Unknown,
        };
    }
}
