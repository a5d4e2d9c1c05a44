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
            await foreach (var jobEvent in index.WatchAsync(jobId, afterSequence, cancellationToken))
                await responses.WriteAsync(jobEvent);
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
