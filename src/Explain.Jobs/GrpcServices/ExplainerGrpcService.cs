using Explain.Api;
using Explain.Grpc;
using Explain.Grpc.Server;
using Explain.Jobs.Ingestion;
using Explain.Jobs.Results;
using Explain.V1;

namespace Explain.Jobs.GrpcServices;

/// <summary>explain.v1.Explainer: Submit, Explain (submit + watch) and Cancel over the ingestion facade.</summary>
public sealed class ExplainerGrpcService(IngestionService ingestion, ResultsIndex index, ResultsMetrics resultsMetrics)
{
    public static void Bind(ServiceBinder binder, ExplainerGrpcService service) => binder
        .Unary<ExplainRequest, JobTicket>("Submit", service.Submit)
        .ServerStreaming<ExplainRequest, JobEvent>("Explain", service.Explain)
        .Unary<CancelRequest, CancelReply>("Cancel", service.Cancel);

    public async Task<JobTicket> Submit(ExplainRequest request, ServerCallContext context)
    {
        try
        {
            return await ingestion.SubmitAsync(request, null, context.CancellationToken);
        }
        catch (JobRejectedException e)
        {
            RpcErrors.Throw(e);
            throw;
        }
    }

    public async Task Explain(ExplainRequest request, IAsyncStreamWriter<JobEvent> responses, ServerCallContext context)
    {
        JobTicket ticket;
        try
        {
            ticket = await ingestion.SubmitAsync(request, RpcErrors.CallDeadline(context), context.CancellationToken);
        }
        catch (JobRejectedException e)
        {
            RpcErrors.Throw(e);
            throw;
        }
        await WatchStreams.CopyAsync(index, resultsMetrics, ticket.JobId, 0, responses, context.CancellationToken);
    }

    public async Task<CancelReply> Cancel(CancelRequest request, ServerCallContext context)
    {
        try
        {
            await ingestion.CancelAsync(request.JobId, context.CancellationToken);
            return new CancelReply { Accepted = true };
        }
        catch (JobRejectedException e)
        {
            RpcErrors.Throw(e);
            throw;
        }
    }
}
