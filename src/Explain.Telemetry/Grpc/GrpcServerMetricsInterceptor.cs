using System.Diagnostics;
using System.Diagnostics.Metrics;
using Explain.Grpc;
using Explain.Grpc.Server;
using Google.Protobuf;

namespace Explain.Telemetry.Grpc;

/// <summary>
/// Counts server calls and times them by method and final status, in the spirit of OTel's
/// rpc.server.duration. Exported as <c>explain_grpc_server_requests_total{method,status}</c> and
/// <c>explain_grpc_server_duration_seconds{method,status}</c>. Add it outermost so it times the
/// other interceptors too. Calls the runtime answers itself (unknown method, bad content-type)
/// never reach interceptors and are not counted.
/// </summary>
public sealed class GrpcServerMetricsInterceptor : ServerInterceptor
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
            "Time from the call reaching the handler pipeline to its end, by method and status.",
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
        var tags = new TagList
        {
            { "method", context.Method.TrimStart('/') },
            { "status", GrpcStatusNames.Of(StatusOf(context, exception)) },
        };
        _requests.Add(1, tags);
        _duration.Record(elapsed, tags);
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
