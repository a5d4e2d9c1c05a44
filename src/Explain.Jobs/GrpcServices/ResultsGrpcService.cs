using Explain.Jobs.Results;
using Explain.Jobs.Security;
using Explain.V1;
using Grpc.Core;

namespace Explain.Jobs.GrpcServices;

/// <summary>explain.v1.Results: Watch and Get over the results index.</summary>
public sealed class ResultsGrpcService(ResultsIndex index, ResultsMetrics metrics, JobsOptions options) : Explain.V1.Results.ResultsBase
{
    public override Task Watch(WatchRequest request, IServerStreamWriter<JobEvent> responseStream, ServerCallContext context)
    {
        CheckJobId(request.JobId);
        if (request.AfterSequence < 0)
            throw JobRejectedException.Invalid("bad_sequence", "after_sequence is >= 0", "after_sequence");
        return WatchStreams.CopyAsync(index, metrics, options, request.JobId, request.AfterSequence, responseStream, context);
    }

    public override async Task<JobResult> Get(GetRequest request, ServerCallContext context)
    {
        CheckJobId(request.JobId);
        var record = index.Find(request.JobId, ExplainClaims.TenantOf(context.GetHttpContext().User))
            ?? throw index.UnknownJob(request.JobId);
        var state = record.State; // read before the events: the state never runs ahead of them
        var result = new JobResult { JobId = request.JobId, State = state };
        result.Events.AddRange(await index.ReadAllAsync(record, context.CancellationToken));
        return result;
    }

    private static void CheckJobId(string jobId)
    {
        if (!JobIds.IsWellFormed(jobId))
            throw JobRejectedException.Invalid("bad_job_id", $"'{jobId}' is not a job id", "job_id");
    }
}
