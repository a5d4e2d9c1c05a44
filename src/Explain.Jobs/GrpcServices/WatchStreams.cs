using Explain.Jobs.Results;
using Explain.Jobs.Security;
using Explain.V1;
using Grpc.Core;

namespace Explain.Jobs.GrpcServices;

/// <summary>Copies a job's events from the index to a server stream (Watch and Explain), counted as active streams.</summary>
public static class WatchStreams
{
    /// <summary>Buffered writes: grpc-dotnet sends them with the next write that has no hint.</summary>
    private static readonly WriteOptions Buffered = new(WriteFlags.BufferHint);

    public static async Task CopyAsync(ResultsIndex index, ResultsMetrics metrics, string jobId, long afterSequence, IServerStreamWriter<JobEvent> responses, ServerCallContext context)
    {
        // gRPC and gRPC-Web writers honour BufferHint; JSON transcoding's writer throws on WriteOptions
        // (it writes each message as it comes).
        bool buffer = context.GetHttpContext().Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true;
        var cancellationToken = context.CancellationToken;
        string tenant = ExplainClaims.TenantOf(context.GetHttpContext().User);
        metrics.WatchStarted(tenant);
        try
        {
            await foreach (var batch in index.WatchBatchesAsync(jobId, tenant, afterSequence, cancellationToken))
            {
                // One flush for what is ready together (the last heatmap and COMPLETED right behind it).
                for (int i = 0; i < batch.Count; i++)
                {
                    if (buffer)
                        responses.WriteOptions = i == batch.Count - 1 ? null : Buffered;
                    await responses.WriteAsync(batch[i], cancellationToken);
                }
            }
        }
        finally
        {
            metrics.WatchEnded();
        }
    }
}
