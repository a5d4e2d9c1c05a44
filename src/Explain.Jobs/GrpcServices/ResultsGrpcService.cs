using Explain.Grpc;
using Explain.Grpc.Server;
using Explain.Jobs.Results;
using Explain.V1;

namespace Explain.Jobs.GrpcServices;

/// <summary>explain.v1.Results: Watch and Get over the results index.</summary>
public sealed class ResultsGrpcService(ResultsIndex index, ResultsMetrics metrics)
{
    public static void Bind(ServiceBinder binder, ResultsGrpcService service) => binder
        .ServerStreaming<WatchRequest, JobEvent>("Watch", service.Watch)
        .Unary<GetRequest, JobResult>("Get", service.Get);

    public Task Watch(WatchRequest request, IAsyncStreamWriter<JobEvent> responses, ServerCallContext context)
    {
        if (!JobIds.IsWellFormed(request.JobId))
            RpcErrors.InvalidArgument($"'{request.JobId}' is not a job id");
        if (request.AfterSequence < 0)
            RpcErrors.InvalidArgument("after_sequence is >= 0");
        return WatchStreams.CopyAsync(index, metrics, request.JobId, request.AfterSequence, responses, context.CancellationToken);
    }

    public Task<JobResult> Get(GetRequest request, ServerCallContext context)
    {
        if (!JobIds.IsWellFormed(request.JobId))
            RpcErrors.InvalidArgument($"'{request.JobId}' is not a job id");
        var record = index.Find(request.JobId);
        if (record is null)
            throw new RpcException(new Status(StatusCode.NotFound, $"no job '{request.JobId}'"));
        var result = new JobResult { JobId = request.JobId, State = record.State };
        result.Events.AddRange(record.After(0).Events);
        return Task.FromResult(result);
    }
}
