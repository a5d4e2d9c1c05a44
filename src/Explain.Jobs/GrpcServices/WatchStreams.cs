using Explain.Grpc;
using Explain.Jobs.Results;
using Explain.V1;

namespace Explain.Jobs.GrpcServices;

/// <summary>Copies a job's events from the index to a server stream (Watch and Explain), counted as active streams.</summary>
public static class WatchStreams
{
    public static async Task CopyAsync(ResultsIndex index, ResultsMetrics metrics, string jobId, long afterSequence, IAsyncStreamWriter<JobEvent> responses, CancellationToken cancellationToken)
    {
        metrics.WatchStarted();
        try
        {
            await foreach (var batch in index.WatchBatchesAsync(jobId, afterSequence, cancellationToken))
            {
                // One send for what is ready together (the last heatmap and COMPLETED right behind it).
                for (int i = 0; i < batch.Count; i++)
                    await responses.WriteAsync(batch[i], flush: i == batch.Count - 1, cancellationToken);
            }
        }
        catch (JobRejectedException e)
        {
            RpcErrors.Throw(e);
        }
        finally
        {
            metrics.WatchEnded();
        }
    }
}
