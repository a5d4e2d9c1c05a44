using Explain.Jobs.Results;
using Explain.Jobs.Security;
using Explain.V1;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Http.Features;

namespace Explain.Jobs.GrpcServices;

/// <summary>
/// Copies a job's events from the index to a server stream (Watch and Explain), counted as active
/// streams. The stream holds one batch read from the events stream (its buffer, at most
/// <see cref="JobsOptions.WatchBufferBytes"/>); a client that does not accept an event within
/// <see cref="JobsOptions.WatchStallTimeout"/> is ended with RESOURCE_EXHAUSTED naming the
/// after_sequence to resume from (reset with ENHANCE_YOUR_CALM, also RESOURCE_EXHAUSTED to a gRPC
/// client, when it takes nothing for as long again), and what the
/// stream held goes with it.
/// </summary>
public static class WatchStreams
{
    /// <summary>Buffered writes: grpc-dotnet sends them with the next write that has no hint.</summary>
    private static readonly WriteOptions Buffered = new(WriteFlags.BufferHint);

    /// <summary>
    /// Events at most this big are written without a flush when another is ready behind them; a
    /// bigger one is flushed on its own, so HTTP/2 flow control holds the writer back instead of
    /// the unflushed bytes piling up in Kestrel's output, unless only the batch's last event follows
    /// it (the last heatmap and COMPLETED): then both go out in one flush, and what is unflushed is
    /// still at most one event and this much.
    /// </summary>
    private const int UnflushedBytes = 64 << 10;

    private const int EnhanceYourCalm = 0xb;

    public static async Task CopyAsync(ResultsIndex index, ResultsMetrics metrics, JobsOptions options, string jobId, long afterSequence, IServerStreamWriter<JobEvent> responses, ServerCallContext context)
    {
        // gRPC and gRPC-Web writers honour BufferHint; JSON transcoding's writer throws on WriteOptions
        // (it writes each message as it comes).
        bool buffer = context.GetHttpContext().Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true;
        var cancellationToken = context.CancellationToken;
        long written = afterSequence;
        string tenant = ExplainClaims.TenantOf(context.GetHttpContext().User);
        metrics.WatchStarted(tenant);
        try
        {
            await foreach (var batch in index.WatchBatchesAsync(jobId, tenant, afterSequence, cancellationToken))
            {
                // One flush for what is ready together (the last heatmap and COMPLETED right behind it), when small.
                for (int i = 0; i < batch.Count; i++)
                {
                    if (buffer)
                        responses.WriteOptions = Buffer(batch, i) ? Buffered : null;
                    await WriteAsync(responses, batch[i], jobId, written, options.WatchStallTimeout, metrics, context);
                    written = batch[i].Sequence;
                }
            }
        }
        finally
        {
            metrics.WatchEnded();
        }
    }

    /// <summary>Whether event <paramref name="i"/> of a batch may wait for the flush of a later one (<see cref="UnflushedBytes"/>).</summary>
    internal static bool Buffer(IReadOnlyList<JobEvent> batch, int i) =>
        i < batch.Count - 1
        && (batch[i].CalculateSize() <= UnflushedBytes || (i == batch.Count - 2 && batch[^1].CalculateSize() <= UnflushedBytes));

    /// <summary>
    /// Writes one event. A client that has not accepted it within <paramref name="stall"/> fell
    /// behind: the stream is ended with RESOURCE_EXHAUSTED as soon as the event is out (the status
    /// follows the data on the HTTP/2 stream, so the client gets it once it reads again); a client
    /// that accepts nothing for another <paramref name="stall"/> is reset, which frees at once what
    /// Kestrel holds for the stream.
    /// </summary>
    private static async Task WriteAsync(IServerStreamWriter<JobEvent> responses, JobEvent jobEvent, string jobId, long written, TimeSpan stall, ResultsMetrics metrics, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        var write = responses.WriteAsync(jobEvent, cancellationToken);
        try
        {
            await write.WaitAsync(stall, cancellationToken);
            return;
        }
        catch (TimeoutException)
        {
        }
        metrics.WatchFellBehind();
        try
        {
            await write.WaitAsync(stall, cancellationToken);
            written = jobEvent.Sequence;
        }
        catch (TimeoutException)
        {
            // RST_STREAM ENHANCE_YOUR_CALM, which gRPC clients report as RESOURCE_EXHAUSTED (gRPC PROTOCOL-HTTP2.md).
            if (context.GetHttpContext().Features.Get<IHttpResetFeature>() is { } reset)
                reset.Reset(EnhanceYourCalm);
            else
                context.GetHttpContext().Abort();
            await write.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        throw JobRejectedException.Exhausted("watch_fell_behind",
            $"the Watch stream of job {jobId} fell behind: the client accepted nothing for {stall.TotalSeconds:0.#} s; Watch again with after_sequence={written} to resume",
            "watch buffer", TimeSpan.FromSeconds(1));
    }
}
